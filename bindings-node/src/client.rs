//! Mirrors `dialtime::client`: one core client (one connection pool) per `Client`.

use dialtime::__private::timeout_from_millis;
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::dial_time_groups::DialTimeGroups;
use crate::error::OrThrow;

/// `new Client(options)`; every option defaults from the environment or the core.
#[napi(object)]
#[derive(Default)]
pub struct ClientOptions {
    /// Default: `DIALTIME_TOKEN`.
    pub token: Option<String>,
    /// Default: `DIALTIME_BASE_URL`, else the platform's public URL.
    pub base_url: Option<String>,
    /// Per attempt, in milliseconds. Default 30000.
    pub timeout_ms: Option<f64>,
    /// Default 10000.
    pub connect_timeout_ms: Option<f64>,
    /// Retries of failures that are safe to retry (connection refused, 429). Default 2.
    pub max_retries: Option<f64>,
}

/// The client. Safe to share: calls run concurrently on one connection pool, off the
/// JavaScript thread. Never shows its token.
#[napi]
pub struct Client {
    pub(crate) inner: dialtime::Client,
}

#[napi]
impl Client {
    #[napi(constructor, catch_unwind)]
    pub fn new(env: Env, options: Option<ClientOptions>) -> Result<Self> {
        build(options.unwrap_or_default())
            .map(|inner| Client { inner })
            .or_throw(&env)
    }

    #[napi(getter, catch_unwind)]
    pub fn dial_time_groups(&self) -> DialTimeGroups {
        DialTimeGroups::new(self.inner.clone())
    }

    #[napi(getter, catch_unwind)]
    pub fn base_url(&self) -> String {
        self.inner.base_url().to_owned()
    }

    #[napi(getter, catch_unwind)]
    pub fn timeout_ms(&self) -> f64 {
        self.inner.timeout().as_secs_f64() * 1000.0
    }

    #[napi(getter, catch_unwind)]
    pub fn connect_timeout_ms(&self) -> f64 {
        self.inner.connect_timeout().as_secs_f64() * 1000.0
    }

    #[napi(getter, catch_unwind)]
    pub fn max_retries(&self) -> u32 {
        self.inner.max_retries()
    }
}

fn build(o: ClientOptions) -> dialtime::Result<dialtime::Client> {
    let mut builder = dialtime::__private::with_binding(dialtime::Client::builder(), "node");
    if let Some(token) = o.token {
        builder = builder.token(token);
    }
    if let Some(url) = o.base_url {
        builder = builder.base_url(url);
    }
    if let Some(ms) = o.timeout_ms {
        builder = builder.timeout(timeout_from_millis("timeoutMs", ms)?);
    }
    if let Some(ms) = o.connect_timeout_ms {
        builder = builder.connect_timeout(timeout_from_millis("connectTimeoutMs", ms)?);
    }
    if let Some(n) = o.max_retries {
        builder = builder.max_retries(dialtime::__private::retries_from(
            "maxRetries",
            dialtime::__private::whole_number("maxRetries", n)?,
        )?);
    }
    builder.build()
}
