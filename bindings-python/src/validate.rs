//! Mirrors `dialtime::validate`.

use pyo3::prelude::*;

use crate::error::OrRaise;
use crate::payload;

/// Checks a payload (a dict in the platform's JSON shape) against every rule; raises
/// `ValidationError` listing every problem, with its path.
#[pyfunction]
pub fn validate(py: Python<'_>, payload: &Bound<'_, PyAny>) -> PyResult<()> {
    let value = payload::json(payload).or_raise(py)?;
    dialtime::validate::new_group_from_json(&value)
        .map(drop)
        .or_raise(py)
}
