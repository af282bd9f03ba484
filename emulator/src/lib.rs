//! # dialtime-emulator
//!
//! A local, in-memory implementation of the agent-api dial-time-group API, for tests and
//! demos: the documented envelopes and messages, the bearer check, the same validation as the
//! client (answered as 422 with Laravel's `errors`), increasing ids, timestamps in China local
//! time. It binds 127.0.0.1 only.
//!
//! ```
//! let emu = dialtime_emulator::Emulator::start().unwrap();
//! let client = dialtime::BlockingClient::builder()
//!     .base_url(emu.base_url())
//!     .token(emu.token())
//!     .build_blocking()
//!     .unwrap();
//! # let _ = client;
//! // … stops when `emu` is dropped.
//! ```
//!
//! Faults for exercising clients are described in [`fault`].

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

mod envelopes;
pub mod fault;
pub mod requests;
mod routes;
mod store;
mod tls;

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use bytes::Bytes;
use dialtime::__private::{read_new_group, UnknownFields};
use dialtime::validate::is_uuid;
use dialtime::{NewDialTimeGroup, Problem};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde::Deserialize;
use tokio::sync::oneshot;

pub use fault::{Fault, FaultId};
pub use requests::RecordedRequest;

use envelopes::Answer;
use routes::Shared;

/// The token every emulator accepts when none is set explicitly (else a random one): `make
/// test` sets it to one known canary so a final scan can prove it never reached any output.
pub const ENV_TOKEN: &str = "DIALTIME_EMULATOR_TOKEN";

/// A running emulator. Stops (and frees its port) when dropped.
pub struct Emulator {
    base_url: String,
    ca_pem: Option<String>,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    /// The fork generation that started it: a forked child has no server thread to stop.
    generation: u64,
}

/// Options for [`Emulator`]; every one has a default.
#[derive(Debug, Clone)]
#[must_use]
pub struct EmulatorBuilder {
    port: u16,
    token: Option<String>,
    user_id: Option<String>,
    sub_users: Option<Vec<String>>,
    groups: Vec<NewDialTimeGroup>,
    request_log_limit: usize,
    tls: bool,
    head_read_timeout: Duration,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        EmulatorBuilder {
            port: 0,
            token: None,
            user_id: None,
            sub_users: None,
            groups: Vec::new(),
            request_log_limit: requests::DEFAULT_REQUEST_LOG_LIMIT,
            tls: false,
            head_read_timeout: HEAD_READ_TIMEOUT,
        }
    }
}

/// The JSON form of the options (`EmulatorBuilder::from_json`), as every language passes them.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    #[serde(default)]
    port: u16,
    token: Option<String>,
    user_id: Option<String>,
    sub_users: Option<Vec<String>>,
    /// An array of groups, or its JSON text (a saved list, a fixture file's content).
    #[serde(default)]
    groups: Option<serde_json::Value>,
    request_log_limit: Option<usize>,
    #[serde(default)]
    tls: bool,
}

impl EmulatorBuilder {
    /// 0 (the default) picks a free port.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The token clients must send. Default: `DIALTIME_EMULATOR_TOKEN`, else a random one.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// The user whose groups the emulator keeps. Default: a random UUID.
    pub fn user_id(mut self, user_id: impl Into<String>) -> Self {
        self.user_id = Some(user_id.into());
        self
    }

    /// The sub-accounts (`sub_user_id`) requests may name; a request naming another one gets
    /// 403. Default: any sub-account is accepted.
    pub fn sub_users<I, S>(mut self, sub_users: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.sub_users = Some(sub_users.into_iter().map(Into::into).collect());
        self
    }

    /// A group saved before the first request (ids 1, 2, … in the order given; its
    /// `sub_user_id` says which sub-account it belongs to).
    pub fn group(mut self, group: NewDialTimeGroup) -> Self {
        self.groups.push(group);
        self
    }

    /// Seed groups in the platform's JSON shape (an array of save payloads; saved records'
    /// extra fields such as `id` or `created_at` are ignored), read with the same rules as a
    /// save: a problem is a `Validation` error whose path starts with `groups[i]`.
    pub fn groups_json(mut self, groups: &serde_json::Value) -> Result<Self, dialtime::Error> {
        let serde_json::Value::Array(items) = groups else {
            return Err(invalid("groups", "must be an array of groups"));
        };
        let mut problems = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match read_new_group(item, UnknownFields::Ignore) {
                Ok(group) => self.groups.push(group),
                Err(e) => problems.extend(e.problems().iter().map(|p| {
                    let path = match p.path.as_str() {
                        "$" => format!("groups[{i}]"),
                        path => format!("groups[{i}].{path}"),
                    };
                    Problem::new(path, p.message.clone())
                })),
            }
        }
        match problems.is_empty() {
            true => Ok(self),
            false => Err(dialtime::Error::Validation(problems)),
        }
    }

    /// How many requests [`Emulator::requests`] keeps, the oldest dropped first (default
    /// 10,000; 0 keeps none).
    pub fn request_log_limit(mut self, limit: usize) -> Self {
        self.request_log_limit = limit;
        self
    }

    /// Options from their JSON form, the way the other languages pass them:
    /// `{"port": 0, "token": "…", "user_id": "…", "sub_users": ["…"], "groups": [ … ],
    /// "request_log_limit": 100, "tls": false}`, every key optional; `groups` may also be the
    /// JSON text of that array. An unknown key or a
    /// wrong type is a `Validation` error naming it.
    pub fn from_json(options: &serde_json::Value) -> Result<Self, dialtime::Error> {
        // The numbers first, each named (serde's message names only the type it wanted):
        // whole and in range, never truncated or wrapped (a port of 1.5 served on 1).
        for (key, max) in [
            ("port", u64::from(u16::MAX)),
            ("request_log_limit", u64::MAX),
        ] {
            match options.get(key) {
                None => {}
                Some(serde_json::Value::Null) if key == "request_log_limit" => {}
                Some(v) if v.as_u64().is_some_and(|n| n <= max) => {}
                Some(v) => {
                    return Err(invalid(
                        key,
                        format!("must be an integer from 0 to {max}, got {v}"),
                    ))
                }
            }
        }
        let o: Options = serde_path_to_error::deserialize(options.clone()).map_err(|e| {
            let path = e.path().to_string();
            let path = if path == "." {
                "emulator options".to_owned()
            } else {
                path
            };
            invalid(&path, e.into_inner().to_string())
        })?;
        let mut builder = EmulatorBuilder::default().port(o.port).tls(o.tls);
        builder.token = o.token;
        builder.user_id = o.user_id;
        builder.sub_users = o.sub_users;
        if let Some(limit) = o.request_log_limit {
            builder.request_log_limit = limit;
        }
        match o.groups {
            None | Some(serde_json::Value::Null) => Ok(builder),
            Some(serde_json::Value::String(text)) => {
                let groups = serde_json::from_str(&text)
                    .map_err(|e| invalid("groups", format!("is not JSON: {e}")))?;
                builder.groups_json(&groups)
            }
            Some(groups) => builder.groups_json(&groups),
        }
    }

    /// Serves HTTPS with a certificate for `127.0.0.1` and `localhost`, issued by a test CA
    /// made for this emulator ([`Emulator::ca_pem`]): for exercising a client's root
    /// certificate options. Default: plain HTTP.
    pub fn tls(mut self, tls: bool) -> Self {
        self.tls = tls;
        self
    }

    /// How long a connection may wait before sending a request's head (or finishing its TLS
    /// handshake) before it is closed; 75 s otherwise. For the emulator's own tests.
    #[doc(hidden)]
    pub fn head_read_timeout_for_tests(mut self, timeout: Duration) -> Self {
        self.head_read_timeout = timeout;
        self
    }

    /// Binds 127.0.0.1 and serves on a thread of its own (with its own small runtime), so it
    /// works the same from synchronous code, async code, and other languages' tests.
    ///
    /// A user id or sub-user that is not a UUID, a token that cannot be a header value, or a
    /// seed group of a sub-account not in [`EmulatorBuilder::sub_users`] is an
    /// `InvalidInput` error.
    pub fn start(self) -> std::io::Result<Emulator> {
        self.check()
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, self.port)))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let (tls, ca_pem) = match self.tls {
            true => {
                let (acceptor, ca) = tls::acceptor().map_err(std::io::Error::other)?;
                (Some(acceptor), Some(ca))
            }
            false => (None, None),
        };
        let shared = Arc::new(Shared::new(
            self.token
                .or_else(|| std::env::var(ENV_TOKEN).ok().filter(|t| !t.is_empty()))
                .unwrap_or_else(random_token),
            self.user_id.unwrap_or_else(random_uuid),
            self.sub_users,
            self.request_log_limit,
        ));
        shared.seed(self.groups);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (stop, stopped) = oneshot::channel();
        let served = Arc::clone(&shared);
        let head_read_timeout = self.head_read_timeout;
        let thread = std::thread::Builder::new()
            .name("dialtime-emulator".into())
            .spawn(move || {
                // A client hanging up mid-answer must not kill a C host with SIGPIPE.
                dialtime::__private::runtime::block_sigpipe_on_this_thread();
                runtime.block_on(serve(listener, served, tls, head_read_timeout, stopped))
            })?;
        let scheme = if ca_pem.is_some() { "https" } else { "http" };
        Ok(Emulator {
            base_url: format!("{scheme}://{addr}"),
            ca_pem,
            shared,
            stop: Some(stop),
            thread: Some(thread),
            generation: dialtime::__private::runtime::fork_generation(),
        })
    }
}

impl EmulatorBuilder {
    /// What `start` refuses before binding a port (the message names the option).
    fn check(&self) -> Result<(), String> {
        if let Some(user) = self.user_id.as_deref().filter(|u| !is_uuid(u)) {
            return Err(format!("user_id: must be a UUID, got {user:?}"));
        }
        if let Some(token) = &self.token {
            // The clients' own rule (no whitespace, …): a token they refuse made an emulator
            // no dialtime client could use.
            let header_safe = token.bytes().all(|b| b.is_ascii_graphic());
            if !header_safe || dialtime::Token::new(token.as_str()).is_err() {
                return Err(
                    "token: must be non-empty printable ASCII without whitespace".to_owned(),
                );
            }
        }
        for sub in self.sub_users.iter().flatten() {
            if !is_uuid(sub) {
                return Err(format!("sub_users: must be UUIDs, got {sub:?}"));
            }
        }
        for (i, g) in self.groups.iter().enumerate() {
            let known = |sub: &str| {
                self.sub_users
                    .as_ref()
                    .is_none_or(|subs| subs.iter().any(|s| s.eq_ignore_ascii_case(sub)))
            };
            if let Some(sub) = g.sub_user_id.as_deref().filter(|s| !known(s)) {
                return Err(format!(
                    "groups[{i}].sub_user_id: {sub} is not one of sub_users"
                ));
            }
        }
        Ok(())
    }
}

fn invalid(path: &str, message: impl Into<String>) -> dialtime::Error {
    dialtime::Error::Validation(vec![Problem::new(path, message.into())])
}

/// Removes its fault when dropped, if requests have not used it up yet: faults scoped to a
/// block never leak into the next test ([`Emulator::fault`]).
#[must_use = "the fault is removed when the guard is dropped"]
#[derive(Debug)]
pub struct FaultGuard<'e> {
    emulator: &'e Emulator,
    id: FaultId,
}

impl FaultGuard<'_> {
    pub fn id(&self) -> FaultId {
        self.id
    }
}

impl Drop for FaultGuard<'_> {
    fn drop(&mut self) {
        self.emulator.remove_fault(self.id);
    }
}

impl Emulator {
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// Starts an emulator on a free port with a random token and user id.
    pub fn start() -> std::io::Result<Emulator> {
        Emulator::builder().start()
    }

    /// `http://127.0.0.1:PORT`, to pass as the client's base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The test CA's certificate (PEM) of an emulator started with
    /// [`EmulatorBuilder::tls`]; `None` for plain HTTP.
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// The token the emulator accepts.
    pub fn token(&self) -> &str {
        &self.shared.token
    }

    /// The user whose groups the emulator keeps (other user ids get 403).
    pub fn user_id(&self) -> &str {
        &self.shared.user_id
    }

    /// The sub-accounts requests may name, when the emulator was started with a list.
    pub fn sub_users(&self) -> Option<&[String]> {
        self.shared.sub_users.as_deref()
    }

    /// Queues a fault for the next API request(s); see [`fault`]. The id removes it again
    /// ([`Emulator::remove_fault`]).
    pub fn push_fault(&self, fault: Fault) -> FaultId {
        match self.here() {
            Some(shared) => shared.push_fault(fault),
            // No fault id is 0.
            None => FaultId(0),
        }
    }

    /// Queues a fault for as long as the guard lives:
    ///
    /// ```
    /// # use dialtime_emulator::{Emulator, Fault};
    /// let emu = Emulator::start().unwrap();
    /// {
    ///     let _outage = emu.fault(Fault::status(503).times(2));
    ///     // … requests here get 503 (twice at most)
    /// }
    /// assert_eq!(emu.pending_faults(), 0);
    /// ```
    pub fn fault(&self, fault: Fault) -> FaultGuard<'_> {
        FaultGuard {
            id: self.push_fault(fault),
            emulator: self,
        }
    }

    /// Removes a queued fault; false when requests used it up already (or it was removed).
    pub fn remove_fault(&self, id: FaultId) -> bool {
        self.here().is_some_and(|shared| shared.remove_fault(id))
    }

    pub fn clear_faults(&self) {
        if let Some(shared) = self.here() {
            shared.clear_faults();
        }
    }

    /// How many requests the queued faults would still apply to (0: none left).
    pub fn pending_faults(&self) -> u64 {
        self.here().map_or(0, Shared::pending_faults)
    }

    /// Every API request received so far (up to the builder's `request_log_limit`, the most
    /// recent kept), oldest first; control routes are not recorded. The token never appears.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.here().map_or_else(Vec::new, Shared::requests)
    }

    /// Empties the request log ([`Emulator::request_count`] keeps counting).
    pub fn clear_requests(&self) {
        if let Some(shared) = self.here() {
            shared.clear_requests();
        }
    }

    /// The last API request, as `GET /_emulator/last-request` answers.
    pub fn last_request(&self) -> Option<RecordedRequest> {
        self.here().and_then(Shared::last_request)
    }

    /// Whether this is a forked child's copy of an emulator its parent started. The server
    /// runs in the parent (still reachable at [`Emulator::base_url`], with its control
    /// routes): the copy's faults and request log are not the server's, and the locks
    /// guarding them may have been held by a thread of the parent at the fork, never to be
    /// released in the child. So in a child, the methods that read or change them do nothing
    /// and report nothing (no fault queued, id 0; no request); the bindings refuse them.
    pub fn is_forked_copy(&self) -> bool {
        self.generation != dialtime::__private::runtime::fork_generation()
    }

    /// What a binding says when a forked child's copy is asked for the faults or the log.
    pub const FORKED_COPY: &'static str = "this emulator runs in the parent process: a forked \
         child cannot queue its faults or read its requests (use its control routes over HTTP)";

    /// The server's shared state, when it runs in this process.
    fn here(&self) -> Option<&Shared> {
        (!self.is_forked_copy()).then_some(&*self.shared)
    }

    /// How many API requests that may change data (POST, PUT, DELETE to `/agent-api/…`) have
    /// arrived so far, answered or not.
    pub fn write_count(&self) -> u64 {
        self.shared.writes.load(Ordering::Relaxed)
    }

    /// How many API requests (control requests excluded) have arrived so far.
    pub fn request_count(&self) -> u64 {
        self.shared.requests.load(Ordering::Relaxed)
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if self.is_forked_copy() {
            // A forked child's copy: the server thread is the parent's (joining it here
            // panicked: std found no result for a thread the child never had). Nothing to stop.
            std::mem::forget(self.thread.take());
            std::mem::forget(self.stop.take());
            return;
        }
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("base_url", &self.base_url)
            .field("user_id", &self.shared.user_id)
            .finish_non_exhaustive()
    }
}

async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    tls: Option<tokio_rustls::TlsAcceptor>,
    head_read_timeout: Duration,
    mut stopped: oneshot::Receiver<()>,
) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
        return;
    };
    loop {
        let accepted = tokio::select! {
            _ = &mut stopped => return,
            accepted = listener.accept() => accepted,
        };
        let Ok((stream, _)) = accepted else {
            // Out of file descriptors and the like: back off instead of spinning.
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        let shared = Arc::clone(&shared);
        let tls = tls.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req| respond(Arc::clone(&shared), req));
            match tls {
                Some(tls) => {
                    // A client refusing the certificate ends the handshake: nothing to serve.
                    // One that never finishes it is closed as one sending no request head
                    // (it held a file descriptor of the test process for good).
                    let handshake = tokio::time::timeout(head_read_timeout, tls.accept(stream));
                    if let Ok(Ok(stream)) = handshake.await {
                        let _ = http1_builder(head_read_timeout)
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                    }
                }
                None => {
                    let _ = http1_builder(head_read_timeout)
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                }
            }
        });
    }
}

/// How long a connection may wait before sending a request's head (idle between requests
/// too: hyper's timer runs from the end of the last answer), and a client may take to send a
/// body: a connection that sends half a head and waits (slowloris) held a file descriptor of
/// the test process for good. Longer than any client keeps an idle connection (dialtime's
/// pool: 60 s), so a pooled connection is never closed under a request being sent on it.
const HEAD_READ_TIMEOUT: Duration = Duration::from_secs(75);
const BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);

fn http1_builder(head_read_timeout: Duration) -> http1::Builder {
    let mut b = http1::Builder::new();
    b.timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(head_read_timeout);
    b
}

/// Why a connection is closed without an answer (a `drop` fault).
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by a fault")
    }
}

impl std::error::Error for Dropped {}

async fn respond(shared: Arc<Shared>, req: Request<Incoming>) -> Result<Response<Body>, Dropped> {
    let (head, body) = req.into_parts();
    let path = head.uri.path().to_owned();
    let query = head.uri.query().unwrap_or_default().to_owned();
    let method = head.method.as_str().to_owned();
    let (body, timed_out) = match tokio::time::timeout(BODY_READ_TIMEOUT, read_body(body)).await {
        Ok(body) => (body, false),
        Err(_) => (None, true),
    };
    if timed_out && path.starts_with("/_emulator/") {
        return Ok(to_response(envelopes::Answer::error(408, "请求超时")));
    }
    if let Some(control) = path.strip_prefix("/_emulator/") {
        return Ok(to_response(control_answer(&shared, &method, control, body)));
    }
    if matches!(method.as_str(), "POST" | "PUT" | "DELETE") && path.starts_with("/agent-api/") {
        shared.writes.fetch_add(1, Ordering::Relaxed);
    }
    let json = head
        .headers
        .get(hyper::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.contains("/json") || ct.contains("+json"));
    let auth = head.headers.get(hyper::header::AUTHORIZATION);
    let authorized = shared.is_authorized(auth.map(|v| v.as_bytes()));
    let request_id = shared.arrive(&head, authorized, body.as_ref());
    // A body that did not arrive in time: recorded and counted as every request is.
    if timed_out {
        let mut answer = envelopes::Answer::error(408, "请求超时");
        answer.headers.push(("x-request-id".to_owned(), request_id));
        return Ok(to_response(answer));
    }
    let fault = shared.next_fault(&method);
    if let Some(f) = &fault {
        if f.delay_ms > 0 {
            tokio::time::sleep(Duration::from_millis(f.delay_ms)).await;
        }
        if f.drop {
            return Err(Dropped);
        }
        if f.answers() {
            let mut answer = Shared::fault_answer(f);
            answer.headers.push(("x-request-id".to_owned(), request_id));
            f.shape(&mut answer);
            return Ok(to_response(answer));
        }
    }
    let mut answer = match body {
        Some(body) => shared.handle(
            &method,
            &path,
            &query,
            auth.map(|v| v.as_bytes()),
            json,
            &body,
        ),
        // Too large: said only of a route, to whom the token lets in (routing first, then
        // the token, as for any request).
        None => match shared.route(&method, &path, auth.map(|v| v.as_bytes())) {
            Ok(_) => envelopes::too_large(),
            Err(refused) => refused,
        },
    };
    answer.headers.push(("x-request-id".to_owned(), request_id));
    if let Some(f) = fault.as_ref().filter(|f| f.shapes()) {
        f.shape(&mut answer);
    }
    Ok(to_response(answer))
}

/// The body, or `None` when it is over the limit (or broken).
/// How much of a body past [`routes::MAX_REQUEST_BYTES`] is read and dropped before the
/// answer (413, or 404/401 first): a client that sends its whole body before reading the
/// answer, as most do, got a broken pipe instead of it. Past this, the connection is closed.
const DRAIN_BYTES: usize = 64 << 20;

/// The body, or `None` when it is over [`routes::MAX_REQUEST_BYTES`] (read to its end, up to
/// [`DRAIN_BYTES`] more, and dropped) or broken.
async fn read_body(mut body: Incoming) -> Option<Bytes> {
    let mut kept = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame.ok()?.into_data() else {
            continue; // trailers
        };
        seen = seen.saturating_add(data.len());
        if seen <= routes::MAX_REQUEST_BYTES {
            kept.extend_from_slice(&data);
        } else if seen > routes::MAX_REQUEST_BYTES + DRAIN_BYTES {
            return None;
        } else {
            kept = Vec::new();
        }
    }
    (seen <= routes::MAX_REQUEST_BYTES).then(|| Bytes::from(kept))
}

fn control_answer(shared: &Shared, method: &str, path: &str, body: Option<Bytes>) -> Answer {
    let ok = |what: &str| {
        Answer::raw(
            200,
            format!("{{\"ok\":true,\"did\":\"{what}\"}}").into_bytes(),
        )
    };
    match (method, path) {
        ("POST", "faults") => match body.as_deref().map(|body| {
            serde_json::from_slice(body)
                .map_err(|e| e.to_string())
                .and_then(|value| Fault::from_json(value).map_err(|e| e.to_string()))
        }) {
            // Faults nothing uses up wait forever: queued over HTTP, their number is bounded
            // (1,000 faults of 1 MB each kept a gigabyte).
            Some(Ok(_)) if shared.queued_faults() >= routes::MAX_QUEUED_FAULTS => Answer::raw(
                429,
                serde_json::json!({"ok": false, "error": format!(
                    "{} faults are queued already (the most over HTTP): clear or use them first",
                    routes::MAX_QUEUED_FAULTS
                )})
                .to_string()
                .into_bytes(),
            ),
            Some(Ok(fault)) => {
                let id = shared.push_fault(fault);
                Answer::json(
                    200,
                    &serde_json::json!({"ok": true, "did": "queued", "id": id.get()}),
                )
            }
            Some(Err(e)) => Answer::raw(
                400,
                serde_json::json!({"ok": false, "error": e})
                    .to_string()
                    .into_bytes(),
            ),
            None => envelopes::too_large(),
        },
        ("DELETE", "faults") => {
            shared.clear_faults();
            ok("cleared")
        }
        ("GET", "health") => ok("health"),
        ("GET", "last-request") => Answer::json(200, &shared.last_request()),
        ("GET", "requests") => Answer::json(200, &shared.requests()),
        ("DELETE", "requests") => {
            shared.clear_requests();
            ok("cleared")
        }
        ("DELETE", id) if id.starts_with("faults/") => {
            let removed = id
                .trim_start_matches("faults/")
                .parse()
                .is_ok_and(|id| shared.remove_fault(FaultId::from_u64(id)));
            match removed {
                true => ok("removed"),
                false => Answer::raw(
                    404,
                    b"{\"ok\":false,\"error\":\"no such queued fault\"}".to_vec(),
                ),
            }
        }
        _ => Answer::raw(
            404,
            b"{\"ok\":false,\"error\":\"unknown control route\"}".to_vec(),
        ),
    }
}

/// The body of every answer: whole, or (a `truncate` fault) half of it, then an error that
/// makes hyper close the connection short of the announced length.
type Body = http_body_util::combinators::BoxBody<Bytes, Dropped>;

fn to_response(answer: Answer) -> Response<Body> {
    let announced = answer.body.len();
    let body: Body = if answer.truncate {
        let half = Bytes::from(answer.body).slice(..announced / 2);
        // The half is flushed before the connection is cut: the client sees the status, the
        // headers and part of the body, then the end of the stream.
        let frames = futures_util::stream::unfold(Some(half), |half| async move {
            match half {
                Some(half) => Some((Ok(hyper::body::Frame::data(half)), None)),
                None => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    Some((Err(Dropped), None))
                }
            }
        });
        http_body_util::StreamBody::new(frames).boxed()
    } else {
        Full::new(Bytes::from(answer.body))
            .map_err(|never| match never {})
            .boxed()
    };
    let mut resp = Response::new(body);
    *resp.status_mut() = hyper::StatusCode::from_u16(answer.status)
        .unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    let headers = resp.headers_mut();
    if let Ok(ct) = hyper::header::HeaderValue::try_from(answer.content_type) {
        headers.insert(hyper::header::CONTENT_TYPE, ct);
    }
    if answer.truncate {
        headers.insert(hyper::header::CONTENT_LENGTH, announced.into());
    }
    for (name, value) in answer.headers {
        if let Ok(v) = hyper::header::HeaderValue::try_from(value) {
            if let Ok(name) = hyper::header::HeaderName::try_from(name) {
                headers.insert(name, v);
            }
        }
    }
    resp
}

fn random_token() -> String {
    let mut s = String::from("emu_");
    for _ in 0..32 {
        s.push(char::from_digit(fastrand::u32(0..16), 16).unwrap_or('0'));
    }
    s
}

fn random_uuid() -> String {
    let hex = |n: usize| -> String {
        (0..n)
            .map(|_| char::from_digit(fastrand::u32(0..16), 16).unwrap_or('0'))
            .collect()
    };
    format!(
        "{}-{}-4{}-{}{}-{}",
        hex(8),
        hex(4),
        hex(3),
        fastrand::choice(['8', '9', 'a', 'b']).unwrap_or('8'),
        hex(3),
        hex(12)
    )
}
