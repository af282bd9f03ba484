//! `dialtime.ResponseRecorder`: what a successful call was answered with, on request
//! (`client.with_options(recorder=rec)`), as core's `ResponseRecorder`.

use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Receives the answer of every successful call made through
/// `client.with_options(recorder=rec)`; `rec.last` is the latest one (or None).
#[pyclass(name = "ResponseRecorder", module = "dialtime", frozen)]
#[derive(Default)]
pub struct PyResponseRecorder(pub(crate) dialtime::ResponseRecorder);

#[pymethods]
impl PyResponseRecorder {
    #[new]
    fn new() -> Self {
        Self::default()
    }

    /// The last successful call's answer, or None.
    #[getter]
    fn last(&self) -> Option<PyResponseInfo> {
        self.0.last().map(PyResponseInfo)
    }

    /// The last answer, leaving the recorder empty.
    fn take(&self) -> Option<PyResponseInfo> {
        self.0.take().map(PyResponseInfo)
    }

    fn __repr__(&self) -> String {
        match self.0.last() {
            Some(r) => format!("<dialtime.ResponseRecorder last={} {}>", r.method, r.path),
            None => "<dialtime.ResponseRecorder last=None>".to_owned(),
        }
    }
}

/// The answer to a successful call: `http_status`, `request_id` (None when the platform sent
/// none), `headers` (a dict, lower-case names), `attempts`, `elapsed` (seconds), `method`,
/// `path`. The token never appears.
#[pyclass(name = "ResponseInfo", module = "dialtime", frozen)]
pub struct PyResponseInfo(dialtime::ResponseInfo);

#[pymethods]
impl PyResponseInfo {
    #[getter]
    fn http_status(&self) -> u16 {
        self.0.http_status
    }

    #[getter]
    fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }

    #[getter]
    fn headers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        // The first value of a repeated header, as `headers.get(name)` reads.
        for (name, value) in self.0.headers.iter().rev() {
            d.set_item(name, value)?;
        }
        Ok(d)
    }

    #[getter]
    fn attempts(&self) -> u32 {
        self.0.attempts
    }

    #[getter]
    fn elapsed(&self) -> f64 {
        self.0.elapsed.as_secs_f64()
    }

    #[getter]
    fn method(&self) -> &str {
        self.0.method
    }

    #[getter]
    fn path(&self) -> &str {
        &self.0.path
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        // The request id as Python shows it ('emu-1' or None), not as Rust's Debug does.
        let request_id = match &self.0.request_id {
            Some(id) => pyo3::types::PyString::new(py, id)
                .repr()?
                .to_cow()?
                .into_owned(),
            None => "None".to_owned(),
        };
        Ok(format!(
            "<dialtime.ResponseInfo {} {} http_status={} request_id={request_id} attempts={}>",
            self.0.method, self.0.path, self.0.http_status, self.0.attempts
        ))
    }
}
