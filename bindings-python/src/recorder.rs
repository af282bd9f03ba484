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

/// What a pickled `ResponseInfo` carries: method, path, status, request id, every header
/// (repeats included), attempts, elapsed nanoseconds.
type InfoState = (
    &'static str,
    String,
    u16,
    Option<String>,
    Vec<(String, String)>,
    u32,
    u64,
);

#[pymethods]
impl PyResponseInfo {
    /// Immutable: a copy is the object itself (`copy.copy`, `copy.deepcopy`).
    fn __copy__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __deepcopy__(slf: Py<Self>, _memo: &Bound<'_, PyAny>) -> Py<Self> {
        slf
    }

    /// Pickled field by field (a worker's answer can travel back to its parent).
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, InfoState)> {
        let r = &self.0;
        let restore = py.get_type::<Self>().getattr("_restore")?;
        Ok((
            restore,
            (
                r.method,
                r.path.clone(),
                r.http_status,
                r.request_id.clone(),
                r.headers.clone(),
                r.attempts,
                u64::try_from(r.elapsed.as_nanos()).unwrap_or(u64::MAX),
            ),
        ))
    }

    /// What pickle calls: the answer `__reduce__` describes.
    #[staticmethod]
    #[allow(clippy::too_many_arguments)]
    fn _restore(
        method: &str,
        path: String,
        http_status: u16,
        request_id: Option<String>,
        // Read as `payload::Items`, as every sequence from Python: pyo3's `Vec` reserved what
        // `__len__` claimed (a list subclass claiming 2**40 items aborted the process).
        headers: crate::payload::Items<(String, String)>,
        attempts: u32,
        elapsed_ns: u64,
    ) -> PyResult<Self> {
        let headers = headers.0;
        dialtime::__private::response_info(
            method,
            path,
            http_status,
            request_id,
            headers,
            attempts,
            std::time::Duration::from_nanos(elapsed_ns),
        )
        .map(Self)
        .ok_or_else(|| {
            pyo3::exceptions::PyValueError::new_err(format!(
                "not a pickled ResponseInfo: method {method:?} is not GET, POST, PUT or DELETE"
            ))
        })
    }

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
