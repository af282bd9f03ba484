//! The async client: one connection pool, headers built once, bounded bodies, safe retries.

pub mod config;
pub mod log;
pub mod recorder;
pub(crate) mod response;
pub(crate) mod tls;

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::mem::ManuallyDrop;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use reqwest::Method;
use serde::de::DeserializeOwned;

use crate::dial_time_groups::DialTimeGroups;
use crate::error::{CallInfo, Error, Result};
use crate::runtime::fork;
use config::{
    retries_from, ClientBuilder, RequestOptions, Token, MAX_RESPONSE_BYTES, MAX_RETRY_AFTER_WAIT,
};
use log::{Attempt, Level};
use recorder::{ResponseInfo, ResponseRecorder};
use response::{RawResponse, Success};

/// The async client. Cheap to clone (one shared connection pool); use one per process.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), dialtime::Error> {
/// # let emu = dialtime_emulator::Emulator::start().unwrap();
/// # let (url, token, user_id) = (emu.base_url(), emu.token(), emu.user_id());
/// let client = dialtime::Client::builder().base_url(url).token(token).build()?;
/// let group = dialtime::NewDialTimeGroup::builder("weekdays")
///     .windows(dialtime::Weekday::ALL[1..6].iter().copied(), "09:00", "18:00")
///     .build()?;
/// let saved = client.dial_time_groups().create(user_id, &group).await?;
/// assert_eq!(saved.content.len(), 5);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    /// This handle's timeout, deadline and retries (see [`Client::with_options`]).
    settings: Settings,
    /// Where successful calls' answers go (see [`Client::recording`]).
    recorder: Option<ResponseRecorder>,
}

/// What a call may spend: the client's settings, or a per-call copy's.
#[derive(Debug, Clone, Copy)]
struct Settings {
    timeout: Duration,
    deadline: Option<Duration>,
    max_retries: u32,
    /// The deadline of an operation of several calls (`ensure`), fixed when it started: its
    /// calls end there too.
    deadline_at: Option<Instant>,
}

struct Inner {
    /// Made in fork generation `generation`; never dropped in another one (see [`Drop`]).
    http: ManuallyDrop<reqwest::Client>,
    generation: u64,
    /// The pool of a forked child (whose copy of `http` belongs to the parent), made on the
    /// child's first call; per generation (an earlier one's is never dropped, nor its lock
    /// waited for: a thread of the parent may have held it at the fork).
    forked: fork::PerFork<Option<reqwest::Client>>,
    /// What `http` was made from, to make the child's.
    builder: ClientBuilder,
    loopback: bool,
    /// `{base_url}/agent-api/`, parsed once (a call's URL is a copy with its path and query
    /// set: no host parsing per call).
    api_root: reqwest::Url,
    base_url: String,
    token: Token,
    connect_timeout: Duration,
    logger: Option<Arc<dyn log::Logger>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if self.generation == fork::generation() {
            // SAFETY: dropped once, here, and never used again.
            unsafe { ManuallyDrop::drop(&mut self.http) };
        }
        // In a forked child the parent's pool is leaked on purpose: dropping its connections
        // would deregister their sockets from an epoll instance the parent still uses. So is
        // an earlier generation's `forked` pool (PerFork drops only this generation's).
    }
}

/// What `ensure` serialises on: (user, sub-user, the name as compared: trimmed).
pub(crate) type EnsureKey = (String, Option<String>, String);

/// One lock per (base URL, [`EnsureKey`]) an `ensure` is running for, shared by every client
/// of the process (two clients, a client per request, Node's workers: each found the group
/// absent and created it); per fork generation (a child must not wait for a parent's
/// `ensure`).
type EnsureLocks = HashMap<(String, EnsureKey), Arc<tokio::sync::Mutex<()>>>;
static ENSURING: fork::PerFork<EnsureLocks> = fork::PerFork::new();

/// Held while an `ensure` runs (see [`Client::ensure_lock`]); its lock is forgotten when no
/// other `ensure` waits for it.
pub(crate) struct EnsureGuard {
    held: Option<tokio::sync::OwnedMutexGuard<()>>,
    key: (String, EnsureKey),
}

impl Drop for EnsureGuard {
    fn drop(&mut self) {
        drop(self.held.take());
        let mut locks = ENSURING.get().lock().unwrap_or_else(|e| e.into_inner());
        if locks
            .get(&self.key)
            .is_some_and(|l| Arc::strong_count(l) == 1)
        {
            locks.remove(&self.key);
        }
    }
}

/// The most idle connections kept open to the platform (see the client's builder).
pub const MAX_IDLE_CONNECTIONS: usize = 100;

/// Whether a request may be sent again after it possibly reached the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Idempotent {
    Yes,
    No,
    /// A removal (delete): idempotent, and its effect is that the thing is gone. A 2xx without
    /// an envelope is success (`response::decode_removal`), and so is a 404 answering a retry
    /// after an attempt that may have reached the server unanswered (a timeout, a broken
    /// connection, a gateway's 502 or 504): that attempt removed it.
    Removal,
}

impl Client {
    /// A client configured from `DIALTIME_TOKEN` and `DIALTIME_BASE_URL`.
    pub fn new() -> Result<Client> {
        ClientBuilder::new().build()
    }

    /// A [`ClientBuilder`]; finish it with [`ClientBuilder::build`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    pub(crate) fn from_builder(b: ClientBuilder) -> Result<Client> {
        let token = b.resolved_token()?;
        let settings = Settings {
            timeout: b.timeout,
            deadline: b.deadline,
            max_retries: b.max_retries,
            deadline_at: None,
        }
        .checked()?;
        if b.connect_timeout.is_zero() {
            return Err(Error::config("connect_timeout must be greater than zero"));
        }
        let base = b.resolved_base_url(token.expose())?;
        let http = http_client(&b, &token, &base.url, base.loopback)?;
        Ok(Client {
            settings,
            recorder: None,
            inner: Arc::new(Inner {
                http: ManuallyDrop::new(http),
                generation: fork::generation(),
                forked: fork::PerFork::new(),
                api_root: reqwest::Url::parse(&format!("{}/agent-api/", base.url))
                    .map_err(|e| Error::config(format!("the base URL is not usable: {e}")))?,
                base_url: base.url,
                loopback: base.loopback,
                token,
                connect_timeout: b.connect_timeout,
                logger: b.logger.clone(),
                builder: b,
            }),
        })
    }

    /// A copy of this client whose calls use `options` where set (the rest stays this
    /// client's). Cheap: it shares the connection pool. Refused (`Config`) when a value is
    /// out of range (a zero timeout or deadline, more than 100 retries).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), dialtime::Error> {
    /// # let emu = dialtime_emulator::Emulator::start().unwrap();
    /// # let client = dialtime::Client::builder().base_url(emu.base_url()).token(emu.token()).build()?;
    /// use std::time::Duration;
    /// let quick = client.with_options(&dialtime::RequestOptions::new().deadline(Duration::from_secs(3)))?;
    /// let page = quick.dial_time_groups().list(emu.user_id(), &Default::default()).await?;
    /// # let _ = page;
    /// # Ok(()) }
    /// ```
    pub fn with_options(&self, options: &RequestOptions) -> Result<Client> {
        let settings = Settings {
            timeout: options.timeout.unwrap_or(self.settings.timeout),
            deadline: options.deadline.or(self.settings.deadline),
            max_retries: options.max_retries.unwrap_or(self.settings.max_retries),
            deadline_at: self.settings.deadline_at,
        }
        .checked()?;
        Ok(Client {
            inner: self.inner.clone(),
            settings,
            recorder: self.recorder.clone(),
        })
    }

    /// A copy (sharing the connection pool and settings) whose successful calls leave their
    /// [`ResponseInfo`] — HTTP status, request id, headers, attempts — in `recorder`.
    pub fn recording(&self, recorder: &ResponseRecorder) -> Client {
        Client {
            inner: self.inner.clone(),
            settings: self.settings,
            recorder: Some(recorder.clone()),
        }
    }

    /// The connection pool of this process: the client's own, or in a forked child a new one
    /// (the parent's connections are driven by threads the child does not have).
    fn http(&self) -> Result<Cow<'_, reqwest::Client>> {
        let generation = fork::generation();
        if generation == self.inner.generation {
            return Ok(Cow::Borrowed(&self.inner.http));
        }
        let slot = self.inner.forked.get();
        let lock = || slot.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(http) = lock().clone() {
            return Ok(Cow::Owned(http));
        }
        // Made without the lock held (milliseconds: root certificates are read).
        let http = http_client(
            &self.inner.builder,
            &self.inner.token,
            &self.inner.base_url,
            self.inner.loopback,
        )?;
        Ok(Cow::Owned(lock().get_or_insert(http).clone()))
    }

    /// A copy whose calls all end by this client's deadline counted from now: an operation of
    /// several calls (`ensure`) is bounded as a whole, as the deadline promises.
    pub(crate) fn deadline_from_now(&self) -> Client {
        let mut copy = self.clone();
        if let Some(at) = self
            .settings
            .deadline
            .and_then(|d| Instant::now().checked_add(d))
        {
            copy.settings.deadline_at = Some(copy.settings.deadline_at.map_or(at, |a| a.min(at)));
        }
        copy
    }

    /// Waits until no other `ensure` in this process runs for `key` on this base URL, then holds
    /// that until the returned guard is dropped; a `Timeout` error when the deadline of
    /// [`deadline_from_now`](Self::deadline_from_now) passes first.
    pub(crate) async fn ensure_lock(&self, key: EnsureKey) -> Result<EnsureGuard> {
        let started = Instant::now();
        let user = key.0.clone();
        let key = (self.inner.base_url.clone(), key);
        let lock = {
            let mut locks = ENSURING.get().lock().unwrap_or_else(|e| e.into_inner());
            // Keys whose `ensure` was cancelled while waiting stay behind: swept now and then.
            if locks.len() >= 1024 {
                locks.retain(|_, l| Arc::strong_count(l) > 1);
            }
            locks.entry(key.clone()).or_default().clone()
        };
        let held = match self.settings.deadline_at {
            Some(at) => tokio::time::timeout_at(at.into(), lock.lock_owned())
                .await
                .map_err(|_| {
                    // Reported as the call it did not get to make (the list's first page),
                    // the deadline having ended it, as every binding shows a deadline.
                    let list = self.url(format_args!("user/{user}/dial-time-group"));
                    Error::timeout(
                        "the deadline passed while another ensure of the same group was running",
                    )
                    .with_call(CallInfo {
                        method: "GET",
                        path: list.path().to_owned(),
                        attempts: 0,
                        elapsed: started.elapsed(),
                        deadline: self.settings.deadline,
                        deadline_passed: true,
                        no_time_to_retry: false,
                        request_id: None,
                        may_have_been_applied: false,
                    })
                })?,
            None => lock.lock_owned().await,
        };
        Ok(EnsureGuard {
            held: Some(held),
            key,
        })
    }

    /// The dial-time-group resource.
    pub fn dial_time_groups(&self) -> DialTimeGroups<'_> {
        DialTimeGroups::new(self)
    }

    /// The base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The longest one attempt may take.
    pub fn timeout(&self) -> Duration {
        self.settings.timeout
    }

    /// The longest a whole call may take, when set.
    pub fn deadline(&self) -> Option<Duration> {
        self.settings.deadline
    }

    /// The longest establishing a connection may take.
    pub fn connect_timeout(&self) -> Duration {
        self.inner.connect_timeout
    }

    /// How often a call that is safe to retry is retried.
    pub fn max_retries(&self) -> u32 {
        self.settings.max_retries
    }

    /// `check`'s problems, if any, as the `Validation` error, the token removed: a problem
    /// quotes what was given, and an argument that is the token (`list(token)`, two arguments
    /// swapped) showed it whole ([`Token::scrub`]).
    pub(crate) fn checked(&self, check: crate::validate::rules::Checker) -> Result<()> {
        check.finish().map_err(|e| self.inner.token.scrub(e))
    }

    /// The client's token (its `Debug` shows `[redacted]`), for [`Token::scrub`] where a
    /// payload is read before the call: a binding's JSON read by
    /// [`crate::validate::new_group_from_json`], whose problems quote a field given the token.
    #[doc(hidden)]
    pub fn token(&self) -> &Token {
        &self.inner.token
    }

    /// The token, for redacting what the server sent back (never for showing).
    pub(crate) fn secret(&self) -> &str {
        self.inner.token.expose()
    }

    /// `{base}/agent-api/{path}`, where `path` may end in `?query`. Path segments and query
    /// values are validated ids (UUIDs, integers), so nothing here needs escaping.
    /// The last URL made on this thread is kept: a program calling for one user again and
    /// again gets a copy instead of a parse.
    pub(crate) fn url(&self, path: std::fmt::Arguments<'_>) -> reqwest::Url {
        use std::cell::RefCell;
        use std::fmt::Write as _;
        thread_local! {
            /// The last root, path and the URL they made.
            static LAST: RefCell<Option<(reqwest::Url, String, reqwest::Url)>> =
                const { RefCell::new(None) };
        }
        let root = &self.inner.api_root;
        let mut full = String::with_capacity(root.path().len() + 96);
        full.push_str(root.path());
        let _ = full.write_fmt(path);
        let cached = LAST.try_with(|last| {
            last.borrow()
                .as_ref()
                .filter(|(r, p, _)| r == root && *p == full)
                .map(|(_, _, url)| url.clone())
        });
        if let Ok(Some(url)) = cached {
            return url;
        }
        let mut url = root.clone();
        match full.split_once('?') {
            Some((p, q)) => {
                url.set_path(p);
                url.set_query(Some(q));
            }
            None => url.set_path(&full),
        }
        let _ = LAST.try_with(|last| *last.borrow_mut() = Some((root.clone(), full, url.clone())));
        url
    }

    /// Sends one call (with retries where safe, within the deadline) and decodes `data` as
    /// `T`. Errors carry what the call did ([`CallInfo`]); every attempt is logged.
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        url: reqwest::Url,
        body: Option<Bytes>,
        idempotent: Idempotent,
        expected: &str,
    ) -> Result<Success<T>> {
        self.call_then(method, url, body, idempotent, expected, Ok)
            .await
    }

    /// [`Self::call`], the answer then read by `finish` (a list page out of `data` and
    /// `meta`); an error of `finish` is the call's, as a decoding error is: logged, with the
    /// call's [`CallInfo`] (a page the platform answered wrongly had none).
    pub(crate) async fn call_then<T: DeserializeOwned, U>(
        &self,
        method: Method,
        url: reqwest::Url,
        body: Option<Bytes>,
        idempotent: Idempotent,
        expected: &str,
        finish: impl Fn(Success<T>) -> Result<U>,
    ) -> Result<U> {
        let settings = self.settings;
        let started = Instant::now();
        // A deadline past what `Instant` can hold is no deadline (`+` panicked: a Node
        // `deadlineMs: 1e22` made every call an internal error).
        let deadline_at = match (
            settings.deadline.and_then(|d| started.checked_add(d)),
            settings.deadline_at,
        ) {
            (Some(own), Some(operation)) => Some(own.min(operation)),
            (own, operation) => own.or(operation),
        };
        let mut attempt = 0;
        // An earlier attempt may have reached the server and got no answer (a timeout, a
        // broken connection, a gateway's 502 or 504): the server may have done the call.
        let mut maybe_done = false;
        loop {
            attempt += 1;
            let attempt_started = Instant::now();
            // An attempt gets its timeout, or what is left of the deadline when that is less.
            let (timeout, cut_by_deadline) = match deadline_at {
                Some(at) => {
                    let left = at.saturating_duration_since(attempt_started);
                    (left.min(settings.timeout), left < settings.timeout)
                }
                None => (settings.timeout, false),
            };
            let sent = self
                .send_once(&method, url.clone(), body.clone(), timeout)
                .await;
            let (err, unsent, request_id, retry_after, final_) = match sent {
                Ok(raw) => {
                    let request_id =
                        response::request_id_of(&raw.headers, self.inner.token.expose());
                    let decoded = if idempotent == Idempotent::Removal {
                        response::decode_removal(&raw, expected, self.inner.token.expose())
                    } else {
                        response::decode(&raw, expected, self.inner.token.expose())
                    };
                    // A retried removal told "not found" after an attempt that may have
                    // removed it: done (reported as the 404 it got, to the recorder and log).
                    let gone = idempotent == Idempotent::Removal
                        && maybe_done
                        && matches!(decoded, Err(Error::NotFound(_)));
                    let decoded = match decoded {
                        Err(_) if gone => serde_json::from_str::<T>("null")
                            .map(|data| Success { data, meta: None })
                            .map_err(|e| Error::config(format!("cannot read a removal: {e}"))),
                        other => other,
                    };
                    match decoded.and_then(&finish) {
                        Ok(success) => {
                            if let Some(recorder) = &self.recorder {
                                recorder.record(ResponseInfo {
                                    method: static_method(&method),
                                    path: url.path().to_owned(),
                                    http_status: raw.status,
                                    request_id: request_id.clone(),
                                    headers: response::header_list(
                                        &raw.headers,
                                        self.inner.token.expose(),
                                    ),
                                    attempts: attempt,
                                    elapsed: started.elapsed(),
                                });
                            }
                            self.log(|| Attempt {
                                level: Level::Debug,
                                method: method.as_str(),
                                path: url.path(),
                                attempt,
                                status: Some(raw.status),
                                error: None,
                                elapsed: attempt_started.elapsed(),
                                request_id: request_id.as_deref(),
                                retry_in: None,
                            });
                            return Ok(success);
                        }
                        Err(err) => (err, false, request_id, raw.retry_after, false),
                    }
                }
                Err(failed) => (failed.error, failed.unsent, None, None, failed.final_),
            };
            let deadline_cut = cut_by_deadline && err.kind() == crate::ErrorKind::Timeout;
            let mut delay = if deadline_cut || final_ {
                None
            } else {
                self.retry_delay(&err, unsent, retry_after, attempt - 1, idempotent)
            };
            // An attempt that was sent may have been done (a 502 or 504 always was sent).
            maybe_done |= !unsent && err.attempt_may_have_been_applied();
            // A retry that could not finish before the deadline is not started.
            let mut deadline_passed = deadline_cut;
            let mut no_time_to_retry = false;
            if let (Some(wait), Some(at)) = (delay, deadline_at) {
                if Instant::now().checked_add(wait).is_none_or(|t| t >= at) {
                    delay = None;
                    deadline_passed = true;
                    no_time_to_retry = !deadline_cut;
                }
            }
            self.log(|| Attempt {
                level: if delay.is_some() {
                    Level::Info
                } else {
                    Level::Debug
                },
                method: method.as_str(),
                path: url.path(),
                attempt,
                status: err.http_status(),
                error: Some(&err),
                elapsed: attempt_started.elapsed(),
                request_id: request_id.as_deref(),
                retry_in: delay,
            });
            let Some(delay) = delay else {
                return Err(err.with_call(CallInfo {
                    method: static_method(&method),
                    path: url.path().to_owned(),
                    attempts: attempt,
                    elapsed: started.elapsed(),
                    deadline: settings.deadline,
                    deadline_passed,
                    no_time_to_retry,
                    request_id,
                    // A read changes nothing, whatever its attempts got.
                    may_have_been_applied: maybe_done && method != Method::GET,
                }));
            };
            tokio::time::sleep(delay).await;
        }
    }

    /// Hands one attempt to the tracing subscriber and the client's logger, if either wants
    /// it (building the record only then).
    fn log<'a>(&self, record: impl FnOnce() -> Attempt<'a>) {
        log::emit(self.inner.logger.as_deref(), record);
    }

    /// How long to wait before retrying after `err`, or `None` not to retry. `unsent`: the
    /// request surely never reached the server (the connection was never made).
    /// `retry_after`: the wait the answer asked for (`Retry-After`), honoured on every status
    /// retried. `retries`: how many were made already.
    fn retry_delay(
        &self,
        err: &Error,
        unsent: bool,
        retry_after: Option<Duration>,
        retries: u32,
        idempotent: Idempotent,
    ) -> Option<Duration> {
        if retries >= self.settings.max_retries {
            return None;
        }
        let backoff = || {
            let base = 0.5 * 2f64.powi(retries.min(4) as i32);
            Duration::from_secs_f64(base * (0.75 + fastrand::f64() * 0.5))
        };
        match err {
            Error::RateLimited { retry_after, .. } => match retry_after {
                Some(d) if *d > MAX_RETRY_AFTER_WAIT => None,
                Some(d) => Some(*d),
                None => Some(backoff()),
            },
            Error::Connection { .. } | Error::Timeout { .. } if unsent => Some(backoff()),
            Error::Connection { .. } | Error::Timeout { .. } if idempotent != Idempotent::No => {
                Some(backoff())
            }
            Error::Server(e)
                if idempotent != Idempotent::No && matches!(e.http_status, 502..=504) =>
            {
                // A gateway asking for longer than the longest wait made: the usual backoff
                // (a 5xx error carries no `retry_after` to report it with).
                match retry_after {
                    Some(d) if d <= MAX_RETRY_AFTER_WAIT => Some(d),
                    _ => Some(backoff()),
                }
            }
            _ => None,
        }
    }

    async fn send_once(
        &self,
        method: &Method,
        url: reqwest::Url,
        body: Option<Bytes>,
        timeout: Duration,
    ) -> Result<RawResponse, Failed> {
        if timeout.is_zero() {
            return Err(Failed {
                error: Error::timeout("no time was left before the deadline"),
                unsent: true,
                final_: false,
            });
        }
        let http = self.http().map_err(|error| Failed {
            error,
            unsent: true,
            final_: false,
        })?;
        let mut req = http.request(method.clone(), url).timeout(timeout);
        if let Some(body) = body {
            req = req.body(body);
        }
        let secret = self.secret();
        let mut resp = req.send().await.map_err(|e| Failed::sending(e, secret))?;
        let status = resp.status().as_u16();
        let headers = std::mem::take(resp.headers_mut());
        let retry_after = response::retry_after_of(&headers);
        let body = read_capped(&mut resp, status, secret)
            .await
            .map_err(|error| Failed {
                error,
                unsent: false,
                final_: false,
            })?;
        Ok(RawResponse {
            status,
            retry_after,
            headers,
            body,
        })
    }
}

/// The reqwest client (pool, headers, timeouts, roots, proxy, redirects) a [`Client`] sends
/// through. Its errors quote the options given, without the token.
fn http_client(
    b: &ClientBuilder,
    token: &Token,
    base_url: &str,
    loopback: bool,
) -> Result<reqwest::Client> {
    build_http_client(b, token, base_url, loopback).map_err(|e| token.scrub(e))
}

fn build_http_client(
    b: &ClientBuilder,
    token: &Token,
    base_url: &str,
    loopback: bool,
) -> Result<reqwest::Client> {
    let mut auth = HeaderValue::try_from(format!("Bearer {}", token.expose()))
        .map_err(|_| Error::config("the token is not a valid header value"))?;
    auth.set_sensitive(true);
    config::check_default_header_count(&b.option_name("default_headers"), b.default_headers.len())?;
    config::check_root_certificates(
        &b.option_name("root_certificates"),
        b.root_certificates.len(),
        b.root_certificates.iter().map(Vec::len).sum(),
    )?;
    let given = b.distinct_default_headers();
    let mut headers = HeaderMap::with_capacity(3 + given.len());
    headers.insert(AUTHORIZATION, auth);
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    for (name, value) in given {
        let (name, value) = default_header(name, value, token)?;
        headers.insert(name, value);
    }
    let user_agent = b.user_agent();
    if let Some(suffix) = &b.user_agent_suffix {
        if suffix.is_empty() || !suffix.bytes().all(|c| (0x20..0x7f).contains(&c)) {
            return Err(Error::config(format!(
                "{} must be printable ASCII, got {suffix:?}",
                b.option_name("user_agent_suffix")
            )));
        }
    }

    let mut http = reqwest::Client::builder()
        .default_headers(headers)
        .user_agent(user_agent)
        .timeout(b.timeout)
        .connect_timeout(b.connect_timeout)
        .tcp_nodelay(true)
        .pool_idle_timeout(Duration::from_secs(60))
        // After a burst (600 calls at once opened 600 connections) at most this many stay
        // open idle, as httpx keeps 100; a burst itself is the caller's to bound.
        .pool_max_idle_per_host(MAX_IDLE_CONNECTIONS)
        .redirect(same_origin_redirects());
    if b.ignore_env_proxy || loopback {
        // A local server (the emulator, a sidecar) is never reached through an environment
        // proxy, even when HTTP_PROXY is set without NO_PROXY: the token would travel to it.
        http = http.no_proxy();
    }
    if let Some(proxy) = &b.proxy {
        if config::holds_secret(proxy, token.expose()) {
            // reqwest reads a bare word as a host name: the token would go out in a DNS lookup.
            return Err(Error::config(
                "the proxy (not shown: it holds the token) must not contain the token: pass it \
                 only as the token",
            ));
        }
        let shown = config::shown_url(proxy);
        // reqwest takes any scheme and then skips a proxy it cannot speak (`ftp://`: calls
        // went direct) or fails every call through it (`socks5://`, not built in). Its own
        // reading: a URL with a host keeps its scheme, anything else is `http://` + it.
        let scheme = reqwest::Url::parse(proxy.trim())
            .ok()
            .filter(reqwest::Url::has_host)
            .map(|u| u.scheme().to_owned());
        if let Some(scheme) = scheme.filter(|s| s != "http" && s != "https") {
            return Err(Error::config(format!(
                "proxy {shown:?} is not usable: its scheme {scheme:?} is not supported \
                 (http:// or https://)"
            )));
        }
        let proxy = reqwest::Proxy::all(proxy.as_str())
            .map_err(|e| Error::config(format!("proxy {shown:?} is not usable: {e}")))?;
        http = http.proxy(proxy);
    }
    if b.trust_only_root_certificates {
        if b.root_certificates.is_empty() {
            return Err(Error::config(format!(
                "{} needs at least one root certificate",
                b.option_name("trust_only_root_certificates")
            )));
        }
        http = http.tls_certs_only(Vec::new());
    }
    let plain_proxy = b
        .proxy
        .as_deref()
        .is_none_or(|p| p.trim_start().to_ascii_lowercase().starts_with("http://"));
    if loopback && base_url.starts_with("http://") && plain_proxy {
        // Plain HTTP to this machine (the emulator, a sidecar), with no environment proxy and
        // no redirect to another origin: no TLS connection can ever be made, so the system's
        // root certificates (a few milliseconds of file reads and parsing) are not loaded.
        http = http.tls_certs_only(Vec::new());
    } else if b.root_certificates.is_empty() {
        // The system's roots, read once per process (see tls.rs).
        if let Some(config) = tls::system_roots()? {
            http = http.tls_backend_preconfigured(config);
        }
    }
    for pem in &b.root_certificates {
        http = http.tls_certs_merge(root_certificates(pem, b.trust_only_root_certificates)?);
    }
    http.build()
        .map_err(|e| Error::config(format!("cannot build the HTTP client: {}", chain(&e))))
}

/// The certificates of a PEM bundle. Where rustls checks them as trust anchors (Linux, and
/// `trust_only` everywhere) they are checked here, so a bad one is refused naming it rather
/// than as reqwest's "builder error"; macOS and Windows hand them to the system's verifier,
/// which accepts some that rustls's parser would not.
fn root_certificates(pem: &[u8], trust_only: bool) -> Result<Vec<reqwest::Certificate>> {
    use rustls::pki_types::{pem::PemObject, CertificateDer};
    let checked = trust_only || !cfg!(any(target_vendor = "apple", windows));
    let mut certificates = Vec::new();
    for (i, der) in CertificateDer::pem_slice_iter(pem).enumerate() {
        let der =
            der.map_err(|e| Error::config(format!("root certificate is not valid PEM: {e}")))?;
        let not_usable = |why: String| {
            Error::config(format!(
                "root certificate is not usable (certificate {} of its PEM): {why}",
                i + 1
            ))
        };
        if checked {
            rustls::RootCertStore::empty()
                .add(der.clone())
                .map_err(|e| not_usable(anchor_problem(e)))?;
        }
        certificates.push(reqwest::Certificate::from_der(&der).map_err(|e| not_usable(chain(&e)))?);
    }
    if certificates.is_empty() {
        return Err(Error::config("root certificate PEM holds no certificate"));
    }
    Ok(certificates)
}

/// Why rustls refuses a certificate as a trust anchor, in words about a root certificate
/// (its own message speaks of a "peer certificate").
fn anchor_problem(e: rustls::Error) -> String {
    use rustls::{CertificateError, Error as E};
    match e {
        E::InvalidCertificate(CertificateError::BadEncoding) => {
            "not a DER-encoded X.509 certificate".to_owned()
        }
        E::InvalidCertificate(CertificateError::Other(other)) => other.to_string(),
        E::InvalidCertificate(problem) => format!("{problem:?}"),
        other => other.to_string(),
    }
}

/// Redirects are followed (at most 10) only within the base URL's origin, and only those that
/// keep the method and body (307, 308): the API never moves a call elsewhere, and any other
/// redirect is the answer the caller gets (an error naming the status), not a request
/// carrying the call somewhere unexpected. A 301, 302 or 303 is followed by HTTP clients as
/// a GET without the body: a create or delete answered so was re-sent as a GET, and that
/// GET's answer taken for the call's (the policy cannot see the method to allow it for
/// reads).
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let same_origin = attempt
            .previous()
            .first()
            .is_some_and(|first| first.origin() == attempt.url().origin());
        let keeps_method = matches!(attempt.status().as_u16(), 307 | 308);
        if !same_origin || !keeps_method {
            attempt.stop()
        } else if attempt.previous().len() > 10 {
            attempt.error("more than 10 redirects")
        } else {
            attempt.follow()
        }
    })
}

/// A default header, checked: a valid name and value, not one dialtime sets itself.
fn default_header(name: &str, value: &str, token: &Token) -> Result<(HeaderName, HeaderValue)> {
    // Quoted in the messages, unless it holds a piece of the token: split by a character the
    // quote escapes or one not allowed in a name (a NUL, a space, a line break), the token is
    // in no form the redaction of messages looks for. Worked out only for a message.
    let shown = || {
        if config::holds_a_piece_of(name, token.expose()) {
            "(not shown: it holds the token)".to_owned()
        } else {
            format!("{name:?}")
        }
    };
    const OWN: [&str; 6] = [
        "authorization",
        "content-type",
        "accept",
        "user-agent",
        "host",
        "content-length",
    ];
    let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
        Error::config(format!(
            "default header name {} is not a valid header name",
            shown()
        ))
    })?;
    if OWN.contains(&header.as_str()) {
        return Err(Error::config(format!(
            "default header {} is set by dialtime itself (pass the token with `token`)",
            shown()
        )));
    }
    // How the message is framed and carried is HTTP's own business: a `Transfer-Encoding` sent
    // next to the body's `Content-Length` made a request servers and proxies may read
    // differently (request smuggling).
    const FRAMING: [&str; 7] = [
        "transfer-encoding",
        "te",
        "trailer",
        "connection",
        "keep-alive",
        "upgrade",
        "proxy-connection",
    ];
    if FRAMING.contains(&header.as_str()) {
        return Err(Error::config(format!(
            "default header {} is a connection or framing header, which dialtime's HTTP \
             layer sets",
            shown()
        )));
    }
    let mut value = HeaderValue::from_str(value).map_err(|_| {
        Error::config(format!(
            "default header {} has a value that is not a valid header value",
            shown()
        ))
    })?;
    value.set_sensitive(true);
    Ok((header, value))
}

/// The method as a `&'static str`, for [`CallInfo`].
fn static_method(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        _ => "HTTP",
    }
}

/// An attempt that got no answer, whether the request surely never reached the server, and
/// whether trying again cannot help.
struct Failed {
    error: Error,
    unsent: bool,
    /// A redirect loop: the server answers every attempt the same way (retrying sent 3 × 11
    /// requests).
    final_: bool,
}

impl Failed {
    fn sending(e: reqwest::Error, secret: &str) -> Failed {
        Failed {
            unsent: e.is_connect(),
            final_: e.is_redirect(),
            error: transport_error(e, secret),
        }
    }
}

/// reqwest's own message names the URL (after redirects, one the server gave: the token may
/// be in it, hence `secret` redacted), shown without its query and credentials as every
/// message shows URLs; the causes say what happened.
fn transport_error(mut e: reqwest::Error, secret: &str) -> Error {
    if let Some(url) = e.url_mut() {
        url.set_query(None);
        url.set_fragment(None);
        let _ = url.set_password(None);
        let _ = url.set_username("");
    }
    let message = response::redact(chain(&e), secret);
    if e.is_timeout() {
        Error::timeout(message)
    } else {
        Error::connection(message)
    }
}

/// An error's message followed by its causes', joined by ": ".
fn chain(e: &dyn std::error::Error) -> String {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    message
}

/// Reads the body, refusing more than [`MAX_RESPONSE_BYTES`].
async fn read_capped(resp: &mut reqwest::Response, status: u16, secret: &str) -> Result<Bytes> {
    let too_large = |n: u64| Error::Decode {
        http_status: status,
        expected: format!("a body of at most {MAX_RESPONSE_BYTES} bytes"),
        detail: format!("the body has {n} bytes or more"),
        body_excerpt: String::new(),
        call: None,
    };
    if let Some(len) = resp.content_length() {
        if len > MAX_RESPONSE_BYTES as u64 {
            return Err(too_large(len));
        }
    }
    let mut first: Option<Bytes> = None;
    let mut rest = BytesMut::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| transport_error(e, secret))? {
        let have = first.as_ref().map_or(0, Bytes::len) + rest.len();
        if have + chunk.len() > MAX_RESPONSE_BYTES {
            return Err(too_large((have + chunk.len()) as u64));
        }
        match &first {
            None => first = Some(chunk),
            Some(f) => {
                if rest.is_empty() {
                    rest.extend_from_slice(f);
                }
                rest.extend_from_slice(&chunk);
            }
        }
    }
    Ok(if rest.is_empty() {
        first.unwrap_or_default()
    } else {
        rest.freeze()
    })
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("token", &self.inner.token)
            .field("timeout", &self.settings.timeout)
            .field("connect_timeout", &self.inner.connect_timeout)
            .field("deadline", &self.settings.deadline)
            .field("max_retries", &self.settings.max_retries)
            .finish()
    }
}

impl Settings {
    /// Refuses a zero timeout or deadline and too many retries, naming the setting.
    fn checked(self) -> Result<Settings> {
        if self.timeout.is_zero() {
            return Err(Error::config("timeout must be greater than zero"));
        }
        if self.deadline.is_some_and(|d| d.is_zero()) {
            return Err(Error::config("deadline must be greater than zero"));
        }
        retries_from("max_retries", i64::from(self.max_retries))?;
        Ok(self)
    }
}
