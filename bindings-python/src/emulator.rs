//! `dialtime.testing.Emulator`: the core emulator, in-process, for offline tests.

use std::sync::Mutex;

use dialtime_emulator::{Emulator, Fault};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};

use crate::error::{self, OrRaise};

/// A local, in-memory agent-api on 127.0.0.1, started on construction and stopped by
/// `stop()` or at the end of a `with` block.
#[pyclass(name = "Emulator", module = "dialtime.testing", frozen)]
pub struct PyEmulator {
    running: Mutex<Option<Emulator>>,
    base_url: String,
    token: String,
    user_id: String,
    ca_pem: Option<String>,
}

impl PyEmulator {
    fn with<R>(&self, py: Python<'_>, f: impl FnOnce(&Emulator) -> R) -> PyResult<R> {
        let guard = self.running.lock().unwrap_or_else(|e| e.into_inner());
        match guard.as_ref() {
            Some(emulator) => Ok(f(emulator)),
            None => Err(error::config(py, "the emulator is stopped")),
        }
    }
}

#[pymethods]
impl PyEmulator {
    #[new]
    #[pyo3(signature = (*, port=0, token=None, user_id=None, tls=false))]
    fn new(
        py: Python<'_>,
        port: u16,
        token: Option<String>,
        user_id: Option<String>,
        tls: bool,
    ) -> PyResult<Self> {
        let mut builder = Emulator::builder().port(port).tls(tls);
        if let Some(token) = token {
            builder = builder.token(token);
        }
        if let Some(user_id) = user_id {
            builder = builder.user_id(user_id);
        }
        let emulator = py.detach(|| builder.start())?;
        Ok(PyEmulator {
            base_url: emulator.base_url().to_owned(),
            token: emulator.token().to_owned(),
            user_id: emulator.user_id().to_owned(),
            ca_pem: emulator.ca_pem().map(str::to_owned),
            running: Mutex::new(Some(emulator)),
        })
    }

    #[getter]
    fn base_url(&self) -> &str {
        &self.base_url
    }

    #[getter]
    fn token(&self) -> &str {
        &self.token
    }

    #[getter]
    fn user_id(&self) -> &str {
        &self.user_id
    }

    /// The test CA's certificate (PEM) of an emulator started with `tls=True`, else None.
    #[getter]
    fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// API requests received so far (control routes are not counted).
    #[getter]
    fn request_count(&self, py: Python<'_>) -> PyResult<u64> {
        self.with(py, Emulator::request_count)
    }

    /// Queues a fault for the next API request(s), given as keyword arguments with the
    /// emulator's fault fields (`status`, `code`, `message`, `body`, `retry_after`,
    /// `delay_ms`, `drop`, `content_type`, `pad_to_bytes`, `truncate`, `times`); an unknown
    /// field is a `ValidationError` naming it.
    #[pyo3(signature = (**fault))]
    fn push_fault(&self, py: Python<'_>, fault: Option<&Bound<'_, PyDict>>) -> PyResult<()> {
        let fault = match fault {
            Some(kwargs) => crate::payload::json(kwargs.as_any()).or_raise(py)?,
            None => serde_json::Value::Object(serde_json::Map::new()),
        };
        // An unknown or mistyped keyword is a TypeError, as for any Python function.
        let fault = Fault::from_json(fault).map_err(|e| PyTypeError::new_err(problems_text(&e)))?;
        self.with(py, |emulator| emulator.push_fault(fault))
    }

    fn clear_faults(&self, py: Python<'_>) -> PyResult<()> {
        self.with(py, Emulator::clear_faults)
    }

    /// Stops the server; idempotent.
    fn stop(&self, py: Python<'_>) {
        let stopped = self
            .running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        py.detach(|| drop(stopped));
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, py: Python<'_>, _exc: &Bound<'_, PyTuple>) -> bool {
        self.stop(py);
        false
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let url = PyString::new(py, &self.base_url).repr()?;
        Ok(format!("<dialtime.testing.Emulator base_url={url}>"))
    }
}

fn problems_text(e: &dialtime::Error) -> String {
    let p = e.problems();
    p.first()
        .map_or_else(|| e.to_string(), |p| format!("push_fault(): {}", p.message))
}
