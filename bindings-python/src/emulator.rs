//! `dialtime.testing.Emulator`: the core emulator, in-process, for offline tests.

use std::sync::Mutex;

use dialtime_emulator::{Emulator, EmulatorBuilder, Fault, FaultId, RecordedRequest};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};

use crate::error::{self, OrRaise};
use crate::payload::Items;

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
        self.run(py, false, f)
    }

    /// [`with`](Self::with) for what reads or changes the server's faults and request log:
    /// refused in a forked child, where they are the parent's, behind locks a thread of the
    /// parent may have held at the fork (see `Emulator::is_forked_copy`).
    fn with_state<R>(&self, py: Python<'_>, f: impl FnOnce(&Emulator) -> R) -> PyResult<R> {
        self.run(py, true, f)
    }

    fn run<R>(&self, py: Python<'_>, state: bool, f: impl FnOnce(&Emulator) -> R) -> PyResult<R> {
        let guard = self.running.lock().unwrap_or_else(|e| e.into_inner());
        let refused = match guard.as_ref() {
            Some(emulator) if !(state && emulator.is_forked_copy()) => return Ok(f(emulator)),
            Some(_) => Emulator::FORKED_COPY,
            None => "the emulator is stopped",
        };
        // Released before the error is made (it runs Python: DEVELOPERS "Locks").
        drop(guard);
        Err(error::config(py, refused))
    }
}

#[pymethods]
impl PyEmulator {
    #[new]
    #[pyo3(signature = (*, port=0, token=None, user_id=None, sub_users=None, groups=None,
                        request_log_limit=None, tls=false))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        #[pyo3(from_py_with = crate::int::int)] port: i64,
        token: Option<String>,
        user_id: Option<String>,
        sub_users: Option<Items<String>>,
        groups: Option<&Bound<'_, PyAny>>,
        #[pyo3(from_py_with = crate::int::opt_int)] request_log_limit: Option<i64>,
        tls: bool,
    ) -> PyResult<Self> {
        let groups = match groups {
            Some(groups) => crate::payload::json_each(groups).or_raise(py)?,
            None => serde_json::Value::Array(Vec::new()),
        };
        let options = serde_json::json!({
            "port": port, "token": token, "user_id": user_id, "sub_users": sub_users.map(|s| s.0),
            "groups": groups, "request_log_limit": request_log_limit, "tls": tls,
        });
        let builder = EmulatorBuilder::from_json(&options).or_raise(py)?;
        let emulator =
            crate::runtime::detach(py, || builder.start()).map_err(|e| match e.kind() {
                std::io::ErrorKind::InvalidInput => PyValueError::new_err(e.to_string()),
                _ => PyErr::from(e),
            })?;
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

    /// The sub-accounts requests may name, or None (any).
    #[getter]
    fn sub_users(&self, py: Python<'_>) -> PyResult<Option<Vec<String>>> {
        self.with(py, |e| e.sub_users().map(<[String]>::to_vec))
    }

    /// API requests received so far (control routes are not counted).
    #[getter]
    fn request_count(&self, py: Python<'_>) -> PyResult<u64> {
        self.with(py, Emulator::request_count)
    }

    /// Every API request received so far, oldest first (the most recent 10,000 unless
    /// `request_log_limit` says otherwise); the token never appears.
    #[getter]
    fn requests<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let log = self.with_state(py, Emulator::requests)?;
        PyList::new(py, log.into_iter().map(PyRecordedRequest))
    }

    /// The last API request, or None.
    #[getter]
    fn last_request(&self, py: Python<'_>) -> PyResult<Option<PyRecordedRequest>> {
        Ok(self
            .with_state(py, Emulator::last_request)?
            .map(PyRecordedRequest))
    }

    /// Empties the request log (`request_count` keeps counting).
    fn clear_requests(&self, py: Python<'_>) -> PyResult<()> {
        self.with_state(py, Emulator::clear_requests)
    }

    /// How many requests the queued faults would still apply to.
    #[getter]
    fn pending_faults(&self, py: Python<'_>) -> PyResult<u64> {
        self.with_state(py, Emulator::pending_faults)
    }

    /// Queues a fault for the next API request(s), given as keyword arguments with the
    /// emulator's fault fields (`status`, `code`, `message`, `body`, `retry_after`,
    /// `delay_ms`, `drop`, `content_type`, `pad_to_bytes`, `truncate`, `headers`, `method`,
    /// `times`); an unknown or mistyped field is a `TypeError` naming it. Returns the fault's
    /// id, for `remove_fault`.
    #[pyo3(signature = (**fault))]
    fn push_fault(&self, py: Python<'_>, fault: Option<&Bound<'_, PyDict>>) -> PyResult<u64> {
        let fault = read_fault(py, fault)?;
        self.with_state(py, |emulator| emulator.push_fault(fault).get())
    }

    /// Queues a fault (the keywords of `push_fault`) for the length of a `with` block: what
    /// requests have not used up is removed at its end, so it never leaks into the next test.
    #[pyo3(signature = (**fault))]
    fn fault(slf: Bound<'_, Self>, fault: Option<&Bound<'_, PyDict>>) -> PyResult<PyScopedFault> {
        let py = slf.py();
        let fault = read_fault(py, fault)?;
        let id = slf
            .get()
            .with_state(py, |emulator| emulator.push_fault(fault).get())?;
        Ok(PyScopedFault {
            emulator: slf.unbind(),
            id,
        })
    }

    /// Removes a queued fault; False when requests used it up already (or it was removed).
    fn remove_fault(&self, py: Python<'_>, id: u64) -> PyResult<bool> {
        self.with_state(py, |emulator| emulator.remove_fault(FaultId::from_u64(id)))
    }

    fn clear_faults(&self, py: Python<'_>) -> PyResult<()> {
        self.with_state(py, Emulator::clear_faults)
    }

    /// Stops the server; idempotent.
    fn stop(&self, py: Python<'_>) {
        let stopped = self
            .running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        crate::runtime::detach(py, || drop(stopped));
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

/// A fault from `push_fault`'s keywords; an unknown or mistyped one is a TypeError, as for
/// any Python function.
fn read_fault(py: Python<'_>, fault: Option<&Bound<'_, PyDict>>) -> PyResult<Fault> {
    let fault = match fault {
        Some(kwargs) => crate::payload::json(kwargs.as_any()).or_raise(py)?,
        None => serde_json::Value::Object(serde_json::Map::new()),
    };
    Fault::from_json(fault).map_err(|e| PyTypeError::new_err(problems_text(&e)))
}

/// `emu.fault(...)`: the fault is queued already; leaving the `with` block (or `remove()`)
/// removes what is left of it.
#[pyclass(name = "ScopedFault", module = "dialtime.testing", frozen)]
pub struct PyScopedFault {
    emulator: Py<PyEmulator>,
    #[pyo3(get)]
    id: u64,
}

#[pymethods]
impl PyScopedFault {
    /// Removes the fault now; False when requests used it up already.
    fn remove(&self, py: Python<'_>) -> bool {
        self.emulator
            .get()
            .with(py, |e| e.remove_fault(FaultId::from_u64(self.id)))
            .unwrap_or(false)
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, py: Python<'_>, _exc: &Bound<'_, PyTuple>) -> bool {
        self.remove(py);
        false
    }

    fn __repr__(&self) -> String {
        format!("<dialtime.testing.ScopedFault id={}>", self.id)
    }
}

/// One API request as the emulator received it: `method`, `path`, `query` and `headers`
/// (dicts; `authorization` is `"[present]"`, never the token), `authorized`, `body` (the
/// JSON body as Python values, or None), `body_text` (a body that is not JSON), `time` (an
/// aware UTC datetime) and `request_id` (the `x-request-id` it was answered with).
#[pyclass(name = "RecordedRequest", module = "dialtime.testing", frozen)]
pub struct PyRecordedRequest(RecordedRequest);

#[pymethods]
impl PyRecordedRequest {
    #[getter]
    fn method(&self) -> &str {
        &self.0.method
    }

    #[getter]
    fn path(&self) -> &str {
        &self.0.path
    }

    #[getter]
    fn query<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &self.0.query)?)
    }

    #[getter]
    fn headers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &self.0.headers)?)
    }

    #[getter]
    fn authorized(&self) -> bool {
        self.0.authorized
    }

    #[getter]
    fn body<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &self.0.body)?)
    }

    #[getter]
    fn body_text(&self) -> Option<&str> {
        self.0.body_text.as_deref()
    }

    #[getter]
    fn time<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::schedule::to_datetime(py, self.0.time, &jiff::tz::TimeZone::UTC)
    }

    #[getter]
    fn request_id(&self) -> &str {
        &self.0.request_id
    }

    /// The request as a dict of JSON values (`time` as RFC 3339 text).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &self.0.to_json())?)
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyRecordedRequest>()
            .is_ok_and(|o| o.get().0 == self.0)
    }

    fn __repr__(&self) -> String {
        format!(
            "<dialtime.testing.RecordedRequest {} {} ({})>",
            self.0.method, self.0.path, self.0.request_id
        )
    }
}

fn problems_text(e: &dialtime::Error) -> String {
    let p = e.problems();
    p.first()
        .map_or_else(|| e.to_string(), |p| format!("push_fault(): {}", p.message))
}
