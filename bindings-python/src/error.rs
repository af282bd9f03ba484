//! The one place where a core [`dialtime::Error`] becomes a Python exception. The classes are
//! defined in Python (`dialtime/_exceptions.py`) so they carry real attributes and pickle.

use dialtime::{Error, ErrorKind};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;

static EXCEPTIONS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// `result.or_raise(py)?`: the suffix every fallible core call ends in.
pub(crate) trait OrRaise<T> {
    fn or_raise(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> OrRaise<T> for dialtime::Result<T> {
    fn or_raise(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| to_py(py, &e))
    }
}

/// For futures completing on the runtime: attaches to the interpreter only on failure.
pub(crate) fn raise_later<T>(result: dialtime::Result<T>) -> PyResult<T> {
    result.map_err(|e| {
        crate::runtime::attach(|py| to_py(py, &e))
            .unwrap_or_else(|| PyRuntimeError::new_err("the interpreter is shutting down"))
    })
}

pub(crate) fn to_py(py: Python<'_>, err: &Error) -> PyErr {
    build(py, err).unwrap_or_else(|e| e)
}

/// A misuse found by the binding itself (a closed client, no running event loop).
pub(crate) fn config(py: Python<'_>, message: &str) -> PyErr {
    instance(py, "ConfigError", message, None).unwrap_or_else(|e| e)
}

fn build(py: Python<'_>, err: &Error) -> PyResult<PyErr> {
    let kwargs = PyDict::new(py);
    let problems: Vec<(&str, &str)> = err
        .problems()
        .iter()
        .map(|p| (p.path.as_str(), p.message.as_str()))
        .collect();
    if let Some(api) = err.api_error() {
        kwargs.set_item("status_code", api.http_status)?;
        kwargs.set_item("code", api.code)?;
        kwargs.set_item("message", &api.message)?;
        kwargs.set_item("body", &api.body)?;
        kwargs.set_item("errors", problems)?;
        if err.kind() == ErrorKind::RateLimited {
            kwargs.set_item("retry_after", err.retry_after().map(|d| d.as_secs_f64()))?;
        }
    } else {
        match err {
            Error::Validation(_) => kwargs.set_item("errors", problems)?,
            Error::Decode { .. } => {
                kwargs.set_item("status_code", err.http_status())?;
                kwargs.set_item("body", err.body())?;
            }
            _ => {}
        }
    }
    instance(py, err.kind().class_name(), &err.to_string(), Some(&kwargs))
}

fn instance(
    py: Python<'_>,
    class: &str,
    text: &str,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<PyErr> {
    let module =
        EXCEPTIONS.get_or_try_init(py, || py.import("dialtime._exceptions").map(Bound::unbind))?;
    let value = module.bind(py).getattr(class)?.call((text,), kwargs)?;
    Ok(PyErr::from_value(value))
}

/// An awaitable created outside a running event loop.
pub(crate) fn outside_event_loop(py: Python<'_>) -> PyErr {
    config(
        py,
        "AsyncClient methods must be awaited inside a running asyncio event loop; \
         use dialtime.Client from synchronous code",
    )
}

/// A panic caught at the boundary (a bug in dialtime): reported, never propagated.
pub(crate) fn panicked(py: Python<'_>) -> PyErr {
    instance(
        py,
        "DialtimeError",
        "internal error in dialtime (a bug: please report it)",
        None,
    )
    .unwrap_or_else(|e| e)
}

/// Runs a method's body behind the panic boundary: a panic (a bug in dialtime) becomes a
/// `DialtimeError`, never pyo3's `PanicException` (a `BaseException` that `except Exception`
/// misses).
pub(crate) fn guard<T>(py: Python<'_>, f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|_| Err(panicked(py)))
}

/// For the panic-boundary tests only: panics behind [`guard`] (`"sync"`), or inside the async
/// work of an awaitable (`"async"`, which needs a running event loop).
#[doc(hidden)]
#[pyfunction]
#[pyo3(name = "_panic_for_tests")]
pub(crate) fn panic_for_tests<'py>(py: Python<'py>, place: &str) -> PyResult<Bound<'py, PyAny>> {
    guard(py, || {
        #[allow(clippy::panic)]
        if place == "sync" {
            py.detach(|| panic!("dialtime: test panic with the GIL released"));
        }
        let place = place.to_owned();
        crate::runtime::future(py, async move {
            #[allow(clippy::panic)]
            if place == "async" {
                panic!("dialtime: test panic in the async work");
            }
            Ok(None::<()>)
        })
    })
}
