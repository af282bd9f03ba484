//! Mirrors `dialtime::client`: `Client` (blocking, GIL released during I/O) and `AsyncClient`
//! (asyncio awaitables on the core's shared runtime). Both hold one core client, so one
//! connection pool, for their whole life.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use dialtime::__private::{retries_from, timeout_from_secs};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyMapping, PySequence, PyString, PyTuple};

use crate::dial_time_groups::{PyAsyncDialTimeGroups, PyDialTimeGroups};
use crate::error::{self, Failure, OrRaise};
use crate::payload::{presized, type_name};
use crate::recorder::PyResponseRecorder;

/// The client options of `Client(...)` and `AsyncClient(...)`, as Python passes them;
/// unset ones are left to the core's defaults.
pub(crate) struct Options {
    token: Option<String>,
    base_url: Option<String>,
    timeout: Option<f64>,
    connect_timeout: Option<f64>,
    deadline: Option<f64>,
    max_retries: Option<i64>,
    root_certificates: Option<Certificates>,
    trust_only_root_certificates: Option<bool>,
    proxy: Option<String>,
    ignore_env_proxy: Option<bool>,
    default_headers: Option<Headers>,
    user_agent_suffix: Option<String>,
}

/// `default_headers`: any mapping of `str` to `str` (a dict, a `MappingProxyType`, …), as the
/// stubs' `Mapping[str, str]` says; `Client` took only a dict while `AsyncClient` took
/// whatever `dict()` does (a list of pairs too).
pub(crate) struct Headers(Vec<(String, String)>);

impl<'py> FromPyObject<'_, 'py> for Headers {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        let wrong = |what: String| {
            pyo3::exceptions::PyTypeError::new_err(format!(
                "default_headers must be a mapping of str to str, {what}"
            ))
        };
        let mapping = obj
            .cast::<PyMapping>()
            .map_err(|_| wrong(format!("got {}", type_name(&obj))))?;
        let items = mapping.items()?;
        // Counted before a name or value is copied (a hundred names of one 10 MB string were
        // copied to 1 GB before the core refused them).
        dialtime::client::config::check_default_header_count("default_headers", items.len())
            .map_err(|e| crate::error::to_py(obj.py(), &e))?;
        let mut out = Vec::new();
        for item in items.iter() {
            let (name, value): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
            // A header's value may be a secret (an API key): never shown, only its type.
            let name: String = name
                .extract()
                .map_err(|_| wrong(format!("got a name of type {}", type_name(&name))))?;
            let value: String = value.extract().map_err(|_| {
                wrong(format!(
                    "got a value of type {} for {name:?}",
                    type_name(&value)
                ))
            })?;
            out.push((name, value));
        }
        Ok(Headers(out))
    }
}

/// `root_certificates`: one PEM (`str`, `bytes` or `bytearray`, holding one or more
/// certificates) or a sequence of them. Anything else is a `TypeError` naming the option: a
/// sequence of ints was read as bytes (`[1]`, a `ConfigError` "holds no certificate") and the
/// rest got pyo3's account of three failed conversions.
pub(crate) struct Certificates(Vec<Vec<u8>>);

/// The size of a PEM before it is copied (a `str`'s code points, at most its UTF-8 bytes, as
/// the string itself counts them: not a subclass's `__len__`), or `None` when `obj` is not a
/// `str`, `bytes` or `bytearray`.
fn pem_size(obj: &Bound<'_, PyAny>) -> PyResult<Option<usize>> {
    if obj.is_instance_of::<PyString>() {
        // SAFETY: a str (or subclass) under the GIL.
        let n = unsafe { pyo3::ffi::PyUnicode_GetLength(obj.as_ptr()) };
        if n < 0 {
            return Err(PyErr::fetch(obj.py()));
        }
        return Ok(Some(n.unsigned_abs()));
    }
    if let Ok(bytes) = obj.cast::<PyBytes>() {
        return Ok(Some(bytes.as_bytes().len()));
    }
    if let Ok(bytes) = obj.cast::<PyByteArray>() {
        return Ok(Some(bytes.len()));
    }
    Ok(None)
}

/// A PEM's bytes, or `None` when `obj` is not a `str`, `bytes` or `bytearray`.
fn pem(obj: &Bound<'_, PyAny>) -> PyResult<Option<Vec<u8>>> {
    if obj.is_instance_of::<PyString>() {
        return Ok(Some(obj.extract::<String>()?.into_bytes()));
    }
    if let Ok(bytes) = obj.cast::<PyBytes>() {
        return Ok(Some(bytes.as_bytes().to_vec()));
    }
    if let Ok(bytes) = obj.cast::<PyByteArray>() {
        return Ok(Some(bytes.to_vec()));
    }
    Ok(None)
}

impl<'py> FromPyObject<'_, 'py> for Certificates {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        let wrong = |got: String| {
            pyo3::exceptions::PyTypeError::new_err(format!(
                "root_certificates must be a PEM (str or bytes) or a sequence of them, got {got}"
            ))
        };
        // Measured against the core's limits before each is copied (a thousand references
        // to one 10 MB str were 10 GB copied before any check).
        let check = |count, bytes| {
            dialtime::client::config::check_root_certificates("root_certificates", count, bytes)
                .map_err(|e| crate::error::to_py(obj.py(), &e))
        };
        if let Some(size) = pem_size(&obj)? {
            check(1, size)?;
            return Ok(Certificates(pem(&obj)?.into_iter().collect()));
        }
        // A sequence, as the stubs say (not any iterable: a generator never ends).
        if obj.cast::<PySequence>().is_err() {
            return Err(wrong(type_name(&obj)));
        }
        let mut pems = presized(&obj)?;
        let mut bytes = 0usize;
        for (i, item) in obj.try_iter()?.enumerate() {
            check(i + 1, bytes)?;
            let item = item?;
            let one = match pem_size(&item)? {
                Some(size) => {
                    bytes = bytes.saturating_add(size);
                    check(i + 1, bytes)?;
                    pem(&item)?
                }
                None => None,
            };
            match one {
                Some(one) => pems.push(one),
                None => {
                    let (outer, inner) = (type_name(&obj), type_name(&item));
                    return Err(wrong(format!("a {outer} holding {inner} at [{i}]")));
                }
            }
        }
        Ok(Certificates(pems))
    }
}

impl Options {
    fn builder(self) -> dialtime::Result<dialtime::ClientBuilder> {
        let mut b = dialtime::__private::with_binding(dialtime::Client::builder(), "python")
            .logger(crate::log::logger());
        if let Some(v) = self.token {
            b = b.token(v);
        }
        if let Some(v) = self.base_url {
            b = b.base_url(v);
        }
        if let Some(v) = self.timeout {
            b = b.timeout(timeout_from_secs("timeout", v)?);
        }
        if let Some(v) = self.connect_timeout {
            b = b.connect_timeout(timeout_from_secs("connect_timeout", v)?);
        }
        if let Some(v) = self.deadline {
            b = b.deadline(timeout_from_secs("deadline", v)?);
        }
        if let Some(v) = self.max_retries {
            b = b.max_retries(retries_from("max_retries", v)?);
        }
        let pems = self.root_certificates.map_or_else(Vec::new, |c| c.0);
        for pem in pems {
            b = b.root_certificate_pem(pem);
        }
        if let Some(v) = self.trust_only_root_certificates {
            b = b.trust_only_root_certificates(v);
        }
        if let Some(v) = self.proxy {
            b = b.proxy(v);
        }
        if let Some(v) = self.ignore_env_proxy {
            b = b.ignore_env_proxy(v);
        }
        for (name, value) in self.default_headers.map(|h| h.0).unwrap_or_default() {
            b = b.default_header(name, value);
        }
        if let Some(v) = self.user_agent_suffix {
            b = b.user_agent_suffix(v);
        }
        Ok(b)
    }
}

/// Per-call overrides (`timeout=`, `deadline=`, `max_retries=` on every method, and
/// `with_options`), in seconds.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CallOptions {
    timeout: Option<f64>,
    deadline: Option<f64>,
    max_retries: Option<i64>,
}

impl CallOptions {
    pub(crate) fn new(
        timeout: Option<f64>,
        deadline: Option<f64>,
        max_retries: Option<i64>,
    ) -> Self {
        CallOptions {
            timeout,
            deadline,
            max_retries,
        }
    }

    /// `client` itself when nothing is overridden (the common case costs nothing), else a
    /// copy sharing its pool.
    pub(crate) fn apply(self, client: dialtime::Client) -> dialtime::Result<dialtime::Client> {
        if self.timeout.is_none() && self.deadline.is_none() && self.max_retries.is_none() {
            return Ok(client);
        }
        let mut o = dialtime::RequestOptions::new();
        if let Some(v) = self.timeout {
            o = o.timeout(timeout_from_secs("timeout", v)?);
        }
        if let Some(v) = self.deadline {
            o = o.deadline(timeout_from_secs("deadline", v)?);
        }
        if let Some(v) = self.max_retries {
            o = o.max_retries(retries_from("max_retries", v)?);
        }
        client.with_options(&o)
    }
}

/// What both clients share with their resource objects: the core client until `close()`.
pub(crate) struct Shared {
    client: RwLock<Option<dialtime::Client>>,
    /// Kept after `close()`: a payload's problems are scrubbed of it before the client is used.
    token: dialtime::Token,
    base_url: String,
    timeout: Duration,
    connect_timeout: Duration,
    deadline: Option<Duration>,
    max_retries: u32,
}

impl Shared {
    fn new(options: Options) -> dialtime::Result<Self> {
        Ok(Shared::of(options.builder()?.build()?))
    }

    fn of(client: dialtime::Client) -> Self {
        Shared {
            token: client.token().clone(),
            base_url: client.base_url().to_owned(),
            timeout: client.timeout(),
            connect_timeout: client.connect_timeout(),
            deadline: client.deadline(),
            max_retries: client.max_retries(),
            client: RwLock::new(Some(client)),
        }
    }

    /// A copy with per-call overrides, sharing the pool (`with_options`); with a recorder,
    /// its successful calls' answers go there.
    fn with_options(
        &self,
        py: Python<'_>,
        options: CallOptions,
        recorder: Option<&PyResponseRecorder>,
    ) -> PyResult<Self> {
        let client = options.apply(self.client(py)?).or_raise(py)?;
        Ok(Shared::of(match recorder {
            Some(r) => client.recording(&r.0),
            None => client,
        }))
    }

    /// `failure` without the token: a payload read before the call quotes a field given the
    /// token by mistake (`sub_user_id=token`) in its problem.
    pub(crate) fn scrub(&self, failure: Failure) -> Failure {
        match failure {
            Failure::Core(e) => Failure::Core(self.token.scrub(e)),
            raised => raised,
        }
    }

    /// The core client (a cheap handle on the shared pool), or `ConfigError` once closed.
    pub(crate) fn client(&self, py: Python<'_>) -> PyResult<dialtime::Client> {
        // The lock is released before the error is made: making it runs Python, which can
        // hand the GIL to a thread that then waits for this lock (DEVELOPERS "Locks").
        let client = self
            .client
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        client.ok_or_else(|| error::config(py, "the client is closed"))
    }

    /// `ConfigError` once closed: a `list_all` cursor checks it before each step (it holds
    /// its own handle on the pool, which kept fetching pages after `close()`).
    pub(crate) fn check_open(&self, py: Python<'_>) -> PyResult<()> {
        let open = self
            .client
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .is_some();
        if open {
            Ok(())
        } else {
            Err(error::config(py, "the client is closed"))
        }
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
        let deadline = match self.deadline {
            Some(d) => format!("{:?}", d.as_secs_f64()),
            None => "None".to_owned(),
        };
        Ok(format!(
            "<dialtime.{class} base_url={url} timeout={:?} connect_timeout={:?} deadline={deadline} max_retries={}>",
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
    fn init(py: Python<'_>, options: Options) -> PyResult<(PyClassInitializer<Self>, Arc<Shared>)> {
        let shared = Arc::new(Shared::new(options).or_raise(py)?);
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
    fn deadline(&self) -> Option<f64> {
        self.shared.deadline.map(|d| d.as_secs_f64())
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
    #[pyo3(signature = (token=None, *, base_url=None, timeout=None, connect_timeout=None, deadline=None, max_retries=None, root_certificates=None, trust_only_root_certificates=None, proxy=None, ignore_env_proxy=None, default_headers=None, user_agent_suffix=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        #[pyo3(from_py_with = crate::text::token)] token: Option<String>,
        base_url: Option<String>,
        #[pyo3(from_py_with = crate::int::opt_seconds)] timeout: Option<f64>,
        #[pyo3(from_py_with = crate::int::opt_seconds)] connect_timeout: Option<f64>,
        #[pyo3(from_py_with = crate::int::opt_seconds)] deadline: Option<f64>,
        #[pyo3(from_py_with = crate::int::opt_int)] max_retries: Option<i64>,
        root_certificates: Option<Certificates>,
        trust_only_root_certificates: Option<bool>,
        proxy: Option<String>,
        ignore_env_proxy: Option<bool>,
        default_headers: Option<Headers>,
        user_agent_suffix: Option<String>,
    ) -> PyResult<PyClassInitializer<Self>> {
        let options = Options {
            token,
            base_url,
            timeout,
            connect_timeout,
            deadline,
            max_retries,
            root_certificates,
            trust_only_root_certificates,
            proxy,
            ignore_env_proxy,
            default_headers,
            user_agent_suffix,
        };
        let (base, shared) = PyBaseClient::init(py, options)?;
        let groups = Py::new(py, PyDialTimeGroups::new(shared.clone()))?;
        Ok(base.add_subclass(PyClient { shared, groups }))
    }

    /// A copy whose calls use these settings where given (seconds); cheap: it shares the
    /// connection pool, and closing either closes only that one.
    #[pyo3(signature = (*, timeout=None, deadline=None, max_retries=None, recorder=None))]
    fn with_options(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = crate::int::opt_seconds)] timeout: Option<f64>,
        #[pyo3(from_py_with = crate::int::opt_seconds)] deadline: Option<f64>,
        #[pyo3(from_py_with = crate::int::opt_int)] max_retries: Option<i64>,
        recorder: Option<PyRef<'_, PyResponseRecorder>>,
    ) -> PyResult<Py<Self>> {
        let shared = Arc::new(self.shared.with_options(
            py,
            CallOptions::new(timeout, deadline, max_retries),
            recorder.as_deref(),
        )?);
        let base = PyBaseClient {
            shared: shared.clone(),
        };
        let groups = Py::new(py, PyDialTimeGroups::new(shared.clone()))?;
        Py::new(
            py,
            PyClassInitializer::from(base).add_subclass(PyClient { shared, groups }),
        )
    }

    #[getter]
    fn dial_time_groups(&self, py: Python<'_>) -> Py<PyDialTimeGroups> {
        self.groups.clone_ref(py)
    }

    /// Closes this client: later calls through it raise `ConfigError`. Copies made with
    /// `with_options` are clients of their own (close them too); the connection pool they
    /// share is released when the last is closed or collected.
    fn close(&self, py: Python<'_>) {
        crate::runtime::detach(py, || self.shared.close());
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
    #[pyo3(signature = (token=None, *, base_url=None, timeout=None, connect_timeout=None, deadline=None, max_retries=None, root_certificates=None, trust_only_root_certificates=None, proxy=None, ignore_env_proxy=None, default_headers=None, user_agent_suffix=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        #[pyo3(from_py_with = crate::text::token)] token: Option<String>,
        base_url: Option<String>,
        #[pyo3(from_py_with = crate::int::opt_seconds)] timeout: Option<f64>,
        #[pyo3(from_py_with = crate::int::opt_seconds)] connect_timeout: Option<f64>,
        #[pyo3(from_py_with = crate::int::opt_seconds)] deadline: Option<f64>,
        #[pyo3(from_py_with = crate::int::opt_int)] max_retries: Option<i64>,
        root_certificates: Option<Certificates>,
        trust_only_root_certificates: Option<bool>,
        proxy: Option<String>,
        ignore_env_proxy: Option<bool>,
        default_headers: Option<Headers>,
        user_agent_suffix: Option<String>,
    ) -> PyResult<PyClassInitializer<Self>> {
        let options = Options {
            token,
            base_url,
            timeout,
            connect_timeout,
            deadline,
            max_retries,
            root_certificates,
            trust_only_root_certificates,
            proxy,
            ignore_env_proxy,
            default_headers,
            user_agent_suffix,
        };
        let (base, shared) = PyBaseClient::init(py, options)?;
        let groups = Py::new(py, PyAsyncDialTimeGroups::new(shared.clone()))?;
        Ok(base.add_subclass(PyAsyncClient { shared, groups }))
    }

    /// A copy whose calls use these settings where given (seconds); cheap: it shares the
    /// connection pool, and closing either closes only that one.
    #[pyo3(signature = (*, timeout=None, deadline=None, max_retries=None, recorder=None))]
    fn with_options(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = crate::int::opt_seconds)] timeout: Option<f64>,
        #[pyo3(from_py_with = crate::int::opt_seconds)] deadline: Option<f64>,
        #[pyo3(from_py_with = crate::int::opt_int)] max_retries: Option<i64>,
        recorder: Option<PyRef<'_, PyResponseRecorder>>,
    ) -> PyResult<Py<Self>> {
        let shared = Arc::new(self.shared.with_options(
            py,
            CallOptions::new(timeout, deadline, max_retries),
            recorder.as_deref(),
        )?);
        let base = PyBaseClient {
            shared: shared.clone(),
        };
        let groups = Py::new(py, PyAsyncDialTimeGroups::new(shared.clone()))?;
        Py::new(
            py,
            PyClassInitializer::from(base).add_subclass(PyAsyncClient { shared, groups }),
        )
    }

    #[getter]
    fn dial_time_groups(&self, py: Python<'_>) -> Py<PyAsyncDialTimeGroups> {
        self.groups.clone_ref(py)
    }

    /// Closes this client (awaitable): later calls through it raise `ConfigError`. Copies
    /// made with `with_options` are clients of their own (close them too); the connection
    /// pool they share is released when the last is closed or collected.
    fn close<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let shared = self.shared.clone();
        crate::runtime::future(py, async move {
            shared.close();
            Ok::<_, crate::error::Failure>(None::<()>)
        })
    }
}
