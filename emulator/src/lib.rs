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
mod routes;
mod store;
mod tls;

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::sync::oneshot;

pub use fault::Fault;

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
}

/// Options for [`Emulator`]; every one has a default.
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct EmulatorBuilder {
    port: u16,
    token: Option<String>,
    user_id: Option<String>,
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

    /// Serves HTTPS with a certificate for `127.0.0.1` and `localhost`, issued by a test CA
    /// made for this emulator ([`Emulator::ca_pem`]): for exercising a client's root
    /// certificate options. Default: plain HTTP.
    pub fn tls(mut self, tls: bool) -> Self {
        self.tls = tls;
        self
    }

    /// Binds 127.0.0.1 and serves on a thread of its own (with its own small runtime), so it
    /// works the same from synchronous code, async code, and other languages' tests.
    pub fn start(self) -> std::io::Result<Emulator> {
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
        ));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (stop, stopped) = oneshot::channel();
        let served = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("dialtime-emulator".into())
            .spawn(move || {
                // A client hanging up mid-answer must not kill a C host with SIGPIPE.
                dialtime::__private::runtime::block_sigpipe_on_this_thread();
                runtime.block_on(serve(listener, served, tls, stopped))
            })?;
        let scheme = if ca_pem.is_some() { "https" } else { "http" };
        Ok(Emulator {
            base_url: format!("{scheme}://{addr}"),
            ca_pem,
            shared,
            stop: Some(stop),
            thread: Some(thread),
        })
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

    /// Queues a fault for the next API request(s); see [`fault`].
    pub fn push_fault(&self, fault: Fault) {
        self.shared.push_fault(fault);
    }

    pub fn clear_faults(&self) {
        self.shared.clear_faults();
    }

    /// The last API request's method, path and headers (`authorization` shown as
    /// `[present]`, never the token), as `GET /_emulator/last-request` answers.
    pub fn last_request(&self) -> Option<serde_json::Value> {
        self.shared
            .last_request
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// How many API requests that may change data (POST, PUT, DELETE) have arrived so far.
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
                    if let Ok(stream) = tls.accept(stream).await {
                        let _ = http1::Builder::new()
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                    }
                }
                None => {
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                }
            }
        });
    }
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
    let path = req.uri().path().to_owned();
    let query = req.uri().query().unwrap_or_default().to_owned();
    let method = req.method().as_str().to_owned();
    if let Some(control) = path.strip_prefix("/_emulator/") {
        let body = read_body(req).await;
        return Ok(to_response(control_answer(&shared, &method, control, body)));
    }
    let request_id = format!("emu-{}", shared.count_request());
    if method != "GET" {
        shared.writes.fetch_add(1, Ordering::Relaxed);
    }
    record(&shared, &method, &path, req.headers());
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
    let auth = req.headers().get(hyper::header::AUTHORIZATION).cloned();
    let answer = match read_body(req).await {
        Some(body) => shared.handle(
            &method,
            &path,
            &query,
            auth.as_ref().map(|v| v.as_bytes()),
            &body,
        ),
        None => envelopes::too_large(),
    };
    let mut answer = answer;
    answer.headers.push(("x-request-id".to_owned(), request_id));
    if let Some(f) = fault.as_ref().filter(|f| f.shapes()) {
        f.shape(&mut answer);
    }
    Ok(to_response(answer))
}

/// Keeps the request's method, path and headers for `GET /_emulator/last-request`; the
/// token is never kept.
fn record(shared: &Shared, method: &str, path: &str, headers: &hyper::HeaderMap) {
    let mut shown = serde_json::Map::new();
    for (name, value) in headers {
        let value = if name == hyper::header::AUTHORIZATION {
            "[present]".to_owned()
        } else {
            String::from_utf8_lossy(value.as_bytes()).into_owned()
        };
        shown.insert(name.as_str().to_owned(), value.into());
    }
    let request = serde_json::json!({"method": method, "path": path, "headers": shown});
    *shared
        .last_request
        .lock()
        .unwrap_or_else(|e| e.into_inner()) = Some(request);
}

/// The body, or `None` when it is over the limit (or broken).
async fn read_body(req: Request<Incoming>) -> Option<Bytes> {
    Limited::new(req.into_body(), routes::MAX_REQUEST_BYTES)
        .collect()
        .await
        .ok()
        .map(|b| b.to_bytes())
}

fn control_answer(shared: &Shared, method: &str, path: &str, body: Option<Bytes>) -> Answer {
    let ok = |what: &str| {
        Answer::raw(
            200,
            format!("{{\"ok\":true,\"did\":\"{what}\"}}").into_bytes(),
        )
    };
    match (method, path) {
        ("POST", "faults") => match body.as_deref().map(serde_json::from_slice::<Fault>) {
            Some(Ok(fault)) => {
                shared.push_fault(fault);
                ok("queued")
            }
            Some(Err(e)) => Answer::raw(
                400,
                serde_json::json!({"ok": false, "error": e.to_string()})
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
        ("GET", "last-request") => {
            let last = shared
                .last_request
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone();
            Answer::json(200, &last.unwrap_or(serde_json::Value::Null))
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
