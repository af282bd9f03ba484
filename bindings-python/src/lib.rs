//! `dialtime._native`: the Python binding of the `dialtime` crate.
//!
//! Each module mirrors a core module and only converts arguments; the exception classes are
//! Python classes in `dialtime/_exceptions.py`, raised from `error.rs` only.

// Python signatures mirror the API's keyword arguments one to one.
#![allow(clippy::too_many_arguments)]

use pyo3::prelude::*;

mod client;
mod dial_time_groups;
mod emulator;
mod error;
mod model;
mod payload;
mod runtime;
mod validate;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", dialtime::VERSION)?;
    m.add_class::<client::PyBaseClient>()?;
    m.add_class::<client::PyClient>()?;
    m.add_class::<client::PyAsyncClient>()?;
    m.add_class::<dial_time_groups::PyDialTimeGroups>()?;
    m.add_class::<dial_time_groups::PyAsyncDialTimeGroups>()?;
    m.add_class::<dial_time_groups::PyGroupIterator>()?;
    m.add_class::<dial_time_groups::PyAsyncGroupIterator>()?;
    m.add_class::<model::PyPage>()?;
    m.add_class::<model::PyTimeRange>()?;
    m.add_class::<model::PyDaySchedule>()?;
    m.add_class::<model::PyDialTimeGroup>()?;
    m.add_class::<emulator::PyEmulator>()?;
    m.add_function(wrap_pyfunction!(validate::validate, m)?)?;
    Ok(())
}
