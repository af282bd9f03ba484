//! `Emulator`: the core emulator, in-process on 127.0.0.1, for offline tests.

use std::sync::Mutex;

use dialtime_emulator::Fault;
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

/// `Emulator.start(options)`.
#[napi(object)]
#[derive(Default)]
pub struct EmulatorOptions {
    /// Serve HTTPS with a certificate issued by a test CA (`caPem`). Default false.
    pub tls: Option<bool>,
}

/// A local, in-memory agent-api: `const emu = await Emulator.start()`.
#[napi]
pub struct Emulator {
    running: Mutex<Option<dialtime_emulator::Emulator>>,
    base_url: String,
    token: String,
    user_id: String,
    ca_pem: Option<String>,
}

#[napi]
impl Emulator {
    /// Starts an emulator on a free port of 127.0.0.1 with a random token and user id.
    #[napi(catch_unwind, ts_return_type = "Promise<Emulator>")]
    pub fn start(env: &Env, options: Option<EmulatorOptions>) -> Result<PromiseRaw<'_, Emulator>> {
        let tls = options.unwrap_or_default().tls.unwrap_or(false);
        promise(
            env,
            async move {
                tokio::task::spawn_blocking(move || {
                    dialtime_emulator::Emulator::builder().tls(tls).start()
                })
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
                running: Mutex::new(Some(emulator)),
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

    #[napi(catch_unwind, ts_args_type = "fault: FaultOptions")]
    pub fn push_fault(&self, env: Env, fault: Unknown<'_>) -> Result<()> {
        let fault = crate::validate::payload_json(&env, fault)
            .and_then(Fault::from_json)
            .or_throw(&env)?;
        self.with(|e| e.push_fault(fault))
            .ok_or_else(|| napi::Error::from_reason("the emulator is stopped"))
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
        self.running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .map(f)
    }
}
