//! `dialtime._native`: the Python binding of the `dialtime` crate.
//!
//! Each module mirrors a core module and only converts arguments; the exception classes are
//! Python classes in `dialtime/_exceptions.py`, raised from `error.rs` only.

// No panic reaches a caller: nothing outside tests unwraps, expects, panics or indexes
// unchecked (a justified local `allow` says why when it must).
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]
// Python signatures mirror the API's keyword arguments one to one.
#![allow(clippy::too_many_arguments)]

use pyo3::prelude::*;

mod cli;
mod client;
mod dial_time_groups;
mod emulator;
mod error;
mod int;
mod log;
mod model;
mod payload;
mod recorder;
mod runtime;
mod schedule;
mod text;
mod validate;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    // The main interpreter only (its id is 0). The module keeps process-wide state that holds
    // Python objects (the exception classes, the asyncio hooks, the logger, the runtime's
    // claim); imported first in a subinterpreter, CPython would hand that interpreter's
    // objects to the main one, which would use them after it is gone.
    // SAFETY: called with the GIL held, on the importing interpreter's thread.
    let interpreter =
        unsafe { pyo3::ffi::PyInterpreterState_GetID(pyo3::ffi::PyInterpreterState_Get()) };
    if interpreter != 0 {
        return Err(pyo3::exceptions::PyImportError::new_err(
            "dialtime can only be imported in the main interpreter, not in a subinterpreter \
             (under mod_wsgi: WSGIApplicationGroup %{GLOBAL})",
        ));
    }
    m.add("__version__", dialtime::VERSION)?;
    m.add_class::<client::PyBaseClient>()?;
    m.add_class::<client::PyClient>()?;
    m.add_class::<client::PyAsyncClient>()?;
    m.add_class::<dial_time_groups::PyDialTimeGroups>()?;
    m.add_class::<dial_time_groups::PyAsyncDialTimeGroups>()?;
    m.add_class::<dial_time_groups::PyGroupCursor>()?;
    m.add_class::<dial_time_groups::PyAsyncGroupCursor>()?;
    m.add_class::<model::PyPage>()?;
    m.add_class::<model::PyTimeRange>()?;
    m.add_class::<model::PyDaySchedule>()?;
    m.add_class::<model::PyDialTimeGroup>()?;
    m.add_class::<recorder::PyResponseRecorder>()?;
    m.add_class::<recorder::PyResponseInfo>()?;
    m.add_class::<emulator::PyEmulator>()?;
    m.add_class::<emulator::PyScopedFault>()?;
    m.add_class::<emulator::PyRecordedRequest>()?;
    m.add_class::<schedule::PySchedule>()?;
    m.add_class::<schedule::PyCalendar>()?;
    m.add_class::<schedule::PyDay>()?;
    m.add_function(wrap_pyfunction!(validate::validate, m)?)?;
    m.add_function(wrap_pyfunction!(cli::cli_main, m)?)?;
    m.add("ERROR_KINDS", error::kinds(m.py())?)?;
    m.add_function(wrap_pyfunction!(error::panic_for_tests, m)?)?;
    // Before the interpreter finalizes, no runtime thread may enter Python any more.
    let shutdown = wrap_pyfunction!(runtime::shutdown, m)?;
    m.py()
        .import("atexit")?
        .call_method1("register", (shutdown,))?;
    Ok(())
}
