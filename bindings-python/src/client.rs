//! Mirrors `dialtime::client`: `Client` (blocking, GIL released during I/O) and `AsyncClient`
//! (asyncio awaitables on the core's shared runtime). Both hold one core client, so one
//! connection pool, for their whole life.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use dialtime::__private::timeout_from_secs;
use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple};

use crate::dial_time_groups::{PyAsyncDialTimeGroups, PyDialTimeGroups};
use crate::error::{self, OrRaise};

/// What both clients share with their resource objects: the core client until `close()`.
pub(crate) struct Shared {
    client: RwLock<Option<dialtime::Client>>,
    base_url: String,
    timeout: Duration,
    connect_timeout: Duration,
    max_retries: u32,
}

impl Shared {
    fn new(
        token: Option<&str>,
        base_url: Option<&str>,
        timeout: f64,
        connect_timeout: f64,
        max_retries: u32,
    ) -> dialtime::Result<Self> {
        let mut builder = dialtime::__private::with_binding(dialtime::Client::builder(), "python")
            .timeout(timeout_from_secs("timeout", timeout)?)
            .connect_timeout(timeout_from_secs("connect_timeout", connect_timeout)?)
            .max_retries(max_retries);
        if let Some(token) = token {
            builder = builder.token(token);
        }
        if let Some(url) = base_url {
            builder = builder.base_url(url);
        }
        let client = builder.build()?;
        Ok(Shared {
            base_url: client.base_url().to_owned(),
            timeout: client.timeout(),
            connect_timeout: client.connect_timeout(),
            max_retries: client.max_retries(),
            client: RwLock::new(Some(client)),
        })
    }

    /// The core client (a cheap handle on the shared pool), or `ConfigError` once closed.
    pub(crate) fn client(&self, py: Python<'_>) -> PyResult<dialtime::Client> {
        let guard = self.client.read().unwrap_or_else(|e| e.into_inner());
        guard
            .clone()
            .ok_or_else(|| error::config(py, "the client is closed"))
    }

    fn close(&self) {
        let closed = self
            .client
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        drop(closed);
    }

    fn repr(&self, py: Python<'_>, class: &str) -> PyResult<String> {
        let url = PyString::new(py, &self.base_url).repr()?;
        Ok(format!(
            "<dialtime.{class} base_url={url} timeout={:?} connect_timeout={:?} max_retries={}>",
            self.timeout.as_secs_f64(),
            self.connect_timeout.as_secs_f64(),
            self.max_retries,
        ))
    }
}

/// What both clients show: their settings (never the token).
#[pyclass(name = "_BaseClient", module = "dialtime", frozen, subclass)]
pub struct PyBaseClient {
    shared: Arc<Shared>,
}

impl PyBaseClient {
    /// The base part of a new client, and the state its subclass keeps too.
    fn init(
        py: Python<'_>,
        token: Option<&str>,
        base_url: Option<&str>,
        timeout: f64,
        connect_timeout: f64,
        max_retries: u32,
    ) -> PyResult<(PyClassInitializer<Self>, Arc<Shared>)> {
        let shared = Arc::new(
            Shared::new(token, base_url, timeout, connect_timeout, max_retries).or_raise(py)?,
        );
        let base = PyBaseClient {
            shared: shared.clone(),
        };
        Ok((PyClassInitializer::from(base), shared))
    }
}

#[pymethods]
impl PyBaseClient {
    #[getter]
    fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    #[getter]
    fn timeout(&self) -> f64 {
        self.shared.timeout.as_secs_f64()
    }

    #[getter]
    fn connect_timeout(&self) -> f64 {
        self.shared.connect_timeout.as_secs_f64()
    }

    #[getter]
    fn max_retries(&self) -> u32 {
        self.shared.max_retries
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let class = slf.get_type().name()?;
        slf.get().shared.repr(slf.py(), &class.to_cow()?)
    }
}

/// The synchronous client. Thread-safe: share one across threads.
#[pyclass(name = "Client", module = "dialtime", frozen, extends = PyBaseClient)]
pub struct PyClient {
    shared: Arc<Shared>,
    groups: Py<PyDialTimeGroups>,
}

#[pymethods]
impl PyClient {
    #[new]
    #[pyo3(signature = (token=None, *, base_url=None, timeout=30.0, connect_timeout=10.0, max_retries=2))]
    fn new(
        py: Python<'_>,
        token: Option<&str>,
        base_url: Option<&str>,
        timeout: f64,
        connect_timeout: f64,
        max_retries: u32,
    ) -> PyResult<PyClassInitializer<Self>> {
        let (base, shared) =
            PyBaseClient::init(py, token, base_url, timeout, connect_timeout, max_retries)?;
        let groups = Py::new(py, PyDialTimeGroups::new(shared.clone()))?;
        Ok(base.add_subclass(PyClient { shared, groups }))
    }

    #[getter]
    fn dial_time_groups(&self, py: Python<'_>) -> Py<PyDialTimeGroups> {
        self.groups.clone_ref(py)
    }

    /// Releases the connection pool; later calls raise `ConfigError`.
    fn close(&self, py: Python<'_>) {
        py.detach(|| self.shared.close());
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, py: Python<'_>, _exc: &Bound<'_, PyTuple>) -> bool {
        self.close(py);
        false
    }
}

/// The asyncio client's native part: every call returns an asyncio future, run on dialtime's
/// runtime (no thread per call, the event loop stays free). `dialtime.AsyncClient`
/// (`_async.py`) wraps it with `async def` methods.
#[pyclass(name = "_AsyncClient", module = "dialtime", frozen, extends = PyBaseClient)]
pub struct PyAsyncClient {
    shared: Arc<Shared>,
    groups: Py<PyAsyncDialTimeGroups>,
}

#[pymethods]
impl PyAsyncClient {
    #[new]
    #[pyo3(signature = (token=None, *, base_url=None, timeout=30.0, connect_timeout=10.0, max_retries=2))]
    fn new(
        py: Python<'_>,
        token: Option<&str>,
        base_url: Option<&str>,
        timeout: f64,
        connect_timeout: f64,
        max_retries: u32,
    ) -> PyResult<PyClassInitializer<Self>> {
        let (base, shared) =
            PyBaseClient::init(py, token, base_url, timeout, connect_timeout, max_retries)?;
        let groups = Py::new(py, PyAsyncDialTimeGroups::new(shared.clone()))?;
        Ok(base.add_subclass(PyAsyncClient { shared, groups }))
    }

    #[getter]
    fn dial_time_groups(&self, py: Python<'_>) -> Py<PyAsyncDialTimeGroups> {
        self.groups.clone_ref(py)
    }

    /// Releases the connection pool (awaitable); later calls raise `ConfigError`.
    fn close<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let shared = self.shared.clone();
        crate::runtime::future(py, async move {
            shared.close();
            Ok::<_, crate::error::Failure>(None::<()>)
        })
    }
}
