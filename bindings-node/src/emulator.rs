//! `Emulator`: the core emulator, in-process on 127.0.0.1, for offline tests.

use std::sync::Mutex;

use dialtime_emulator::Fault;
use napi::bindgen_prelude::*;
use napi_derive::napi;

/// A fault for the next API request(s), as in the emulator's README.
#[napi(object)]
#[derive(Default)]
pub struct FaultOptions {
    /// Answer with this HTTP status (and the platform's error envelope).
    pub status: Option<u16>,
    /// The envelope's `code` (default: `status`); with status 200, an error envelope in a 200.
    pub code: Option<i64>,
    pub message: Option<String>,
    /// Answer with this raw body instead.
    pub body: Option<String>,
    /// Send this `Retry-After` header.
    pub retry_after: Option<String>,
    /// Wait this long first.
    pub delay_ms: Option<u32>,
    /// Close the connection without answering.
    pub drop: Option<bool>,
    /// How many requests it applies to (default 1).
    pub times: Option<u32>,
}

/// A local, in-memory agent-api: `const emu = await Emulator.start()`.
#[napi]
pub struct Emulator {
    running: Mutex<Option<dialtime_emulator::Emulator>>,
    base_url: String,
    token: String,
    user_id: String,
}

#[napi]
impl Emulator {
    /// Starts an emulator on a free port of 127.0.0.1 with a random token and user id.
    #[napi]
    pub async fn start() -> Result<Emulator> {
        let emulator = tokio::task::spawn_blocking(dialtime_emulator::Emulator::start)
            .await
            .map_err(|e| napi::Error::from_reason(e.to_string()))?
            .map_err(|e| napi::Error::from_reason(format!("cannot start the emulator: {e}")))?;
        Ok(Emulator {
            base_url: emulator.base_url().to_owned(),
            token: emulator.token().to_owned(),
            user_id: emulator.user_id().to_owned(),
            running: Mutex::new(Some(emulator)),
        })
    }

    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    #[napi(getter)]
    pub fn token(&self) -> String {
        self.token.clone()
    }

    #[napi(getter)]
    pub fn user_id(&self) -> String {
        self.user_id.clone()
    }

    /// API requests received so far (control routes are not counted); 0 once stopped.
    #[napi(getter)]
    pub fn request_count(&self) -> f64 {
        self.with(|e| e.request_count() as f64).unwrap_or(0.0)
    }

    #[napi]
    pub fn push_fault(&self, fault: FaultOptions) -> Result<()> {
        let fault = Fault {
            delay_ms: u64::from(fault.delay_ms.unwrap_or(0)),
            status: fault.status,
            code: fault.code,
            message: fault.message,
            retry_after: fault.retry_after,
            body: fault.body,
            drop: fault.drop.unwrap_or(false),
            times: fault.times.unwrap_or(1),
        };
        self.with(|e| e.push_fault(fault))
            .ok_or_else(|| napi::Error::from_reason("the emulator is stopped"))
    }

    #[napi]
    pub fn clear_faults(&self) {
        self.with(dialtime_emulator::Emulator::clear_faults);
    }

    /// Stops the server (idempotent); resolves once the port is closed.
    #[napi]
    pub async fn stop(&self) -> Result<()> {
        let running = self
            .running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        tokio::task::spawn_blocking(move || drop(running))
            .await
            .map_err(|e| napi::Error::from_reason(e.to_string()))
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
