//! Python `str` arguments read for the core's rules. pyo3's own extraction raised a bare
//! `UnicodeEncodeError` for a lone surrogate (`user_id="\ud800"`), naming no argument; here it
//! is read as U+FFFD, which every rule it meets refuses naming its field: a UUID (`user_id`,
//! `sub_user_id`), a time zone (`zone`), the token (ASCII only). Not for text sent as it is
//! (the base URL, a payload's strings: those are refused by their own checks).

use pyo3::exceptions::{PyTypeError, PyUnicodeEncodeError};
use pyo3::prelude::*;
use pyo3::types::PyString;

/// `obj` as text, or a `TypeError` naming the argument (as pyo3's own does). Only a string
/// UTF-8 cannot hold is read lossily: any other failure (a `MemoryError`) is raised as it is
/// (pyo3's lossy reading panics when its own encoding fails).
fn text(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<String> {
    match obj.cast::<PyString>() {
        Ok(s) => match s.to_cow() {
            Ok(t) => Ok(t.into_owned()),
            Err(e) if e.is_instance_of::<PyUnicodeEncodeError>(obj.py()) => {
                Ok(s.to_string_lossy().into_owned())
            }
            Err(e) => Err(e),
        },
        Err(_) => Err(PyTypeError::new_err(format!(
            "argument '{name}': expected str, got {}",
            obj.get_type().name()?
        ))),
    }
}

fn opt_text(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Option<String>> {
    if obj.is_none() {
        return Ok(None);
    }
    text(obj, name).map(Some)
}

/// `#[pyo3(from_py_with = crate::text::user_id)]`
pub(crate) fn user_id(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    text(obj, "user_id")
}

/// `#[pyo3(from_py_with = crate::text::sub_user_id)]`: `None` is none.
pub(crate) fn sub_user_id(obj: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
    opt_text(obj, "sub_user_id")
}

/// `#[pyo3(from_py_with = crate::text::zone)]`: `None` is none.
pub(crate) fn zone(obj: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
    opt_text(obj, "zone")
}

/// `#[pyo3(from_py_with = crate::text::token)]`: `None` is none.
pub(crate) fn token(obj: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
    opt_text(obj, "token")
}
