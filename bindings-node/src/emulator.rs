//! `Emulator`: the core emulator, in-process on 127.0.0.1, for offline tests.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use dialtime_emulator::{EmulatorBuilder, Fault, FaultId, RecordedRequest};
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::call::promise;
use crate::error::OrThrow;

/// A fault for the next API request(s), in the emulator's wire format (the body of
/// `POST /_emulator/faults`, snake_case as in every language and in the shared vectors).
#[napi(object)]
// Declares the TypeScript type of `pushFault`'s argument; the argument is read as JSON (so an
// unknown key is an error naming it).
#[allow(dead_code)]
pub struct FaultOptions {
    /// Answer with this HTTP status (and the platform's error envelope).
    pub status: Option<u16>,
    /// The envelope's `code` (default: `status`); with status 200, an error envelope in a 200.
    pub code: Option<i64>,
    pub message: Option<String>,
    /// Answer with this raw body instead.
    pub body: Option<String>,
    /// Send this `Retry-After` header.
    #[napi(js_name = "retry_after")]
    pub retry_after: Option<String>,
    /// Wait this long first.
    #[napi(js_name = "delay_ms")]
    pub delay_ms: Option<u32>,
    /// Close the connection without answering.
    pub drop: Option<bool>,
    /// Answer with this `Content-Type`.
    #[napi(js_name = "content_type")]
    pub content_type: Option<String>,
    /// Pad the body with trailing spaces to this many bytes.
    #[napi(js_name = "pad_to_bytes")]
    pub pad_to_bytes: Option<u32>,
    /// Send half of the announced body, then close the connection.
    pub truncate: Option<bool>,
    /// Extra response headers (`{"retry-after-ms": "250"}`).
    pub headers: Option<std::collections::HashMap<String, String>>,
    /// Only requests of this method (`"POST"`) take the fault.
    pub method: Option<String>,
    /// How many requests it applies to (default 1).
    pub times: Option<u32>,
}

/// `Emulator.start(options)`; every key is optional (an unknown one is a `TypeError`).
#[napi(object)]
#[derive(Default)]
pub struct EmulatorOptions {
    /// The port on 127.0.0.1; 0 (the default) picks a free one.
    pub port: Option<f64>,
    /// The token clients must send. Default: `DIALTIME_EMULATOR_TOKEN`, else a random one.
    pub token: Option<String>,
    /// The user whose groups the emulator keeps (a UUID). Default: a random one.
    pub user_id: Option<String>,
    /// The sub-accounts requests may name (others get 403). Default: any.
    pub sub_users: Option<Vec<String>>,
    /// Groups saved before the first request, as save payloads (ids 1, 2, … in order), or
    /// the JSON text of that array.
    #[napi(ts_type = "Array<NewDialTimeGroup | Record<string, unknown>> | string")]
    pub groups: Option<serde_json::Value>,
    /// How many requests `requests()` keeps, the most recent (default 10000).
    pub request_log_limit: Option<f64>,
    /// Serve HTTPS with a certificate issued by a test CA (`caPem`). Default false.
    pub tls: Option<bool>,
}

const OPTION_KEYS: &[&str] = &[
    "port",
    "token",
    "userId",
    "subUsers",
    "groups",
    "requestLogLimit",
    "tls",
];

/// One API request as the emulator received it.
#[napi(object, js_name = "RecordedRequest")]
pub struct RecordedRequestObject {
    pub method: String,
    /// The URL path, ids included.
    pub path: String,
    /// The query parameters, percent-decoded.
    pub query: HashMap<String, String>,
    /// Header names in lower case; `authorization` is `'[present]'`, never the token.
    pub headers: HashMap<String, String>,
    /// Whether the request carried the emulator's token.
    pub authorized: bool,
    /// The JSON body, or null; `unknown` in TypeScript: narrow it before reading a field
    /// (`(r.body as { name: string }).name`; plain JavaScript reads `r.body.name`).
    #[napi(ts_type = "unknown")]
    pub body: serde_json::Value,
    /// A body that is not JSON, as text; else absent.
    pub body_text: Option<String>,
    /// When it arrived (RFC 3339, UTC): `new Date(r.time)`.
    pub time: String,
    /// The `x-request-id` the emulator answered with (`'emu-1'` for the first request).
    pub request_id: String,
}

impl From<RecordedRequest> for RecordedRequestObject {
    fn from(r: RecordedRequest) -> Self {
        RecordedRequestObject {
            method: r.method,
            path: r.path,
            query: r.query.into_iter().collect(),
            headers: r.headers.into_iter().collect(),
            authorized: r.authorized,
            body: r.body.unwrap_or(serde_json::Value::Null),
            body_text: r.body_text,
            time: r.time.to_string(),
            request_id: r.request_id,
        }
    }
}

type Running = Arc<Mutex<Option<dialtime_emulator::Emulator>>>;

fn with<R>(running: &Running, f: impl FnOnce(&dialtime_emulator::Emulator) -> R) -> Option<R> {
    running
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .map(f)
}

/// `emu.fault(…)`: a queued fault that `remove()` (or `using`, where `Symbol.dispose`
/// exists) takes back, so one test's faults never reach the next.
#[napi]
pub struct ScopedFault {
    running: Running,
    id: u32,
}

#[napi]
impl ScopedFault {
    #[napi(getter, catch_unwind)]
    pub fn id(&self) -> u32 {
        self.id
    }

    /// Removes what requests have not used up; false when nothing was left.
    #[napi(catch_unwind)]
    pub fn remove(&self) -> bool {
        with(&self.running, |e| {
            e.remove_fault(FaultId::from_u64(u64::from(self.id)))
        })
        .unwrap_or(false)
    }
}

/// A local, in-memory agent-api: `const emu = await Emulator.start()`.
#[napi]
pub struct Emulator {
    running: Running,
    base_url: String,
    token: String,
    user_id: String,
    ca_pem: Option<String>,
}

#[napi]
impl Emulator {
    /// Starts an emulator on 127.0.0.1 (a free port, a random token and user id unless the
    /// options say otherwise). A seed group that breaks a rule is a `ValidationError`.
    #[napi(
        catch_unwind,
        // Writable, so that index.js can put its rejections under the caller's frames (a
        // static method is defined read-only otherwise).
        writable,
        ts_args_type = "options?: EmulatorOptions",
        ts_return_type = "Promise<Emulator>"
    )]
    pub fn start<'env>(
        env: &'env Env,
        options: Option<Unknown<'_>>,
    ) -> Result<PromiseRaw<'env, Emulator>> {
        let o: EmulatorOptions =
            crate::options::read(env, options, OPTION_KEYS, "Emulator.start() options")?
                .unwrap_or_default();
        // The numbers go as JSON numbers, whole ones as integers: the emulator's options
        // reader refuses a fraction or a value out of range, naming it.
        let number = |n: f64| match dialtime::__private::whole_number("", n) {
            Ok(i) => serde_json::json!(i),
            // NaN and ±Infinity have no JSON number (`json!` made them null: "not set"),
            // so they go as their text, which the reader refuses by name.
            Err(_) if !n.is_finite() => serde_json::json!(n.to_string()),
            Err(_) => serde_json::json!(n),
        };
        let builder = EmulatorBuilder::from_json(&serde_json::json!({
            "port": number(o.port.unwrap_or(0.0)), "token": o.token, "user_id": o.user_id,
            "sub_users": o.sub_users, "groups": o.groups.unwrap_or(serde_json::json!([])),
            "request_log_limit": o.request_log_limit.map(number), "tls": o.tls.unwrap_or(false),
        }));
        // A seed group that breaks a rule rejects the promise (as a call's payload would).
        promise(
            env,
            async move {
                let builder = builder?;
                tokio::task::spawn_blocking(move || builder.start())
                    .await
                    .map_err(|e| dialtime::Error::Config {
                        message: e.to_string(),
                    })?
                    .map_err(|e| dialtime::Error::Config {
                        message: format!("cannot start the emulator: {e}"),
                    })
            },
            |emulator| Emulator {
                base_url: emulator.base_url().to_owned(),
                token: emulator.token().to_owned(),
                user_id: emulator.user_id().to_owned(),
                ca_pem: emulator.ca_pem().map(str::to_owned),
                running: Arc::new(Mutex::new(Some(emulator))),
            },
        )
    }

    #[napi(getter, catch_unwind)]
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    #[napi(getter, catch_unwind)]
    pub fn token(&self) -> String {
        self.token.clone()
    }

    #[napi(getter, catch_unwind)]
    pub fn user_id(&self) -> String {
        self.user_id.clone()
    }

    /// The test CA's certificate (PEM) of an emulator started with `{tls: true}`, else null.
    #[napi(getter, catch_unwind)]
    pub fn ca_pem(&self) -> Option<String> {
        self.ca_pem.clone()
    }

    /// API requests received so far (control routes are not counted); 0 once stopped.
    #[napi(getter, catch_unwind)]
    pub fn request_count(&self) -> f64 {
        self.with(|e| e.request_count() as f64).unwrap_or(0.0)
    }

    /// Queues a fault for the next API request(s); returns its id (for `removeFault`).
    #[napi(catch_unwind, ts_args_type = "fault: FaultOptions")]
    pub fn push_fault(&self, env: Env, fault: Unknown<'_>) -> Result<u32> {
        let fault = crate::options::object_arg(&env, fault, "fault")?;
        let fault = crate::validate::payload_json(&env, fault)
            .and_then(Fault::from_json)
            .or_throw(&env)?;
        let id = self
            .with(|e| e.push_fault(fault))
            .ok_or_else(stopped)
            .or_throw(&env)?;
        u32::try_from(id.get()).map_err(|_| napi::Error::from_reason("too many faults"))
    }

    /// Queues a fault and returns a handle whose `remove()` takes back what requests have not
    /// used up: `const outage = emu.fault({status: 503}); try { … } finally { outage.remove() }`
    /// (or `emu.withFault(fault, fn)`).
    #[napi(catch_unwind, ts_args_type = "fault: FaultOptions")]
    pub fn fault(&self, env: Env, fault: Unknown<'_>) -> Result<ScopedFault> {
        Ok(ScopedFault {
            id: self.push_fault(env, fault)?,
            running: Arc::clone(&self.running),
        })
    }

    /// Removes a queued fault; false when requests used it up already (or no fault had the
    /// id).
    #[napi(catch_unwind, ts_args_type = "id: number")]
    pub fn remove_fault(&self, env: Env, id: Unknown<'_>) -> Result<bool> {
        let id = crate::options::number_arg(&env, id, "id")?;
        // Whole, never wrapped: `2 ** 32 + id` removed fault `id`.
        let id = dialtime::__private::whole_number("id", id).or_throw(&env)?;
        Ok(u64::try_from(id).is_ok_and(|id| {
            self.with(|e| e.remove_fault(FaultId::from_u64(id)))
                .unwrap_or(false)
        }))
    }

    /// How many requests the queued faults would still apply to.
    #[napi(getter, catch_unwind)]
    pub fn pending_faults(&self) -> f64 {
        self.with(|e| e.pending_faults() as f64).unwrap_or(0.0)
    }

    /// Every API request received so far, oldest first; the token never appears.
    #[napi(catch_unwind)]
    pub fn requests(&self) -> Vec<RecordedRequestObject> {
        self.with(|e| e.requests().into_iter().map(Into::into).collect())
            .unwrap_or_default()
    }

    /// The last API request, or null.
    #[napi(getter, catch_unwind)]
    pub fn last_request(&self) -> Option<RecordedRequestObject> {
        self.with(|e| e.last_request().map(Into::into)).flatten()
    }

    /// Empties the request log (`requestCount` keeps counting).
    #[napi(catch_unwind)]
    pub fn clear_requests(&self) {
        self.with(dialtime_emulator::Emulator::clear_requests);
    }

    /// The sub-accounts requests may name, or null (any).
    #[napi(getter, catch_unwind)]
    pub fn sub_users(&self) -> Option<Vec<String>> {
        self.with(|e| e.sub_users().map(<[String]>::to_vec))
            .flatten()
    }

    #[napi(catch_unwind)]
    pub fn clear_faults(&self) {
        self.with(dialtime_emulator::Emulator::clear_faults);
    }

    /// Stops the server (idempotent); resolves once the port is closed.
    #[napi(catch_unwind, ts_return_type = "Promise<void>")]
    pub fn stop<'env>(&self, env: &'env Env) -> Result<PromiseRaw<'env, ()>> {
        let running = self
            .running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        promise(
            env,
            async move {
                tokio::task::spawn_blocking(move || drop(running))
                    .await
                    .map_err(|e| dialtime::Error::Config {
                        message: e.to_string(),
                    })
            },
            |()| (),
        )
    }
}

impl Emulator {
    fn with<R>(&self, f: impl FnOnce(&dialtime_emulator::Emulator) -> R) -> Option<R> {
        with(&self.running, f)
    }
}

/// What a method of a stopped emulator throws: a `ConfigError`, as in Python (it was napi's
/// plain `Error`).
fn stopped() -> dialtime::Error {
    dialtime::Error::Config {
        message: "the emulator is stopped".to_owned(),
    }
}
