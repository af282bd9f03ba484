//! Python ints of any size as the `i64` the core's rules read. pyo3's own extraction raised
//! `OverflowError` for `page=2**64` or `max_retries=2**64` (not a `ValueError`, the argument
//! named only in `__notes__`); an int beyond 64 bits is read as the nearest `i64`, which every
//! rule it meets refuses, naming its field (`ValidationError`, or `ConfigError` for a client
//! option).

use pyo3::exceptions::{PyOverflowError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::PyBool;

/// A bool where a number belongs: `bool` is an `int` to Python, so `delete(user, True)`
/// deleted group 1 and `timeout=True` meant one second. Refused, as a payload's `true` is.
fn no_bool(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<()> {
    if obj.is_instance_of::<PyBool>() {
        return Err(PyTypeError::new_err(format!("expected {what}, got bool")));
    }
    Ok(())
}

/// An `int` argument (`#[pyo3(from_py_with = crate::int::int)]`).
pub(crate) fn int(obj: &Bound<'_, PyAny>) -> PyResult<i64> {
    no_bool(obj, "an int")?;
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

/// An optional number of seconds (`timeout`, `connect_timeout`, `deadline`): `None` is none;
/// an `int` too large for a float is read as infinity, which the core's rule refuses naming
/// the option (pyo3 raised `OverflowError`, the option named only in `__notes__`).
pub(crate) fn opt_seconds(obj: &Bound<'_, PyAny>) -> PyResult<Option<f64>> {
    if obj.is_none() {
        return Ok(None);
    }
    no_bool(obj, "a number of seconds")?;
    match obj.extract::<f64>() {
        Ok(s) => Ok(Some(s)),
        Err(e) if e.is_instance_of::<PyOverflowError>(obj.py()) => Ok(Some(if obj.gt(0)? {
            f64::INFINITY
        } else {
            f64::NEG_INFINITY
        })),
        Err(e) => Err(e),
    }
}
