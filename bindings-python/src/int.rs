//! Python ints of any size as the `i64` the core's rules read. pyo3's own extraction raised
//! `OverflowError` for `page=2**64` or `max_retries=2**64` (not a `ValueError`, the argument
//! named only in `__notes__`); an int beyond 64 bits is read as the nearest `i64`, which every
//! rule it meets refuses, naming its field (`ValidationError`, or `ConfigError` for a client
//! option).

use pyo3::exceptions::PyOverflowError;
use pyo3::prelude::*;

/// An `int` argument (`#[pyo3(from_py_with = crate::int::int)]`).
pub(crate) fn int(obj: &Bound<'_, PyAny>) -> PyResult<i64> {
    match obj.extract::<i64>() {
        Ok(n) => Ok(n),
        Err(e) if e.is_instance_of::<PyOverflowError>(obj.py()) => {
            Ok(if obj.gt(0)? { i64::MAX } else { i64::MIN })
        }
        Err(e) => Err(e),
    }
}

/// An optional `int` argument: `None` is none.
pub(crate) fn opt_int(obj: &Bound<'_, PyAny>) -> PyResult<Option<i64>> {
    if obj.is_none() {
        return Ok(None);
    }
    int(obj).map(Some)
}
