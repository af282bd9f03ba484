//! Mirrors `dialtime::client`: one core client (one connection pool) per `Client`.

use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::dial_time_groups::DialTimeGroups;
use crate::error::OrThrow;
use crate::options::{self, ClientOptions, CLIENT_OPTIONS};

/// The client. Safe to share: calls run concurrently on one connection pool, off the
/// JavaScript thread. Never shows its token.
#[napi]
pub struct Client {
    pub(crate) inner: dialtime::Client,
}

#[napi]
impl Client {
    #[napi(
        constructor,
        catch_unwind,
        ts_args_type = "options?: ClientOptions & { logger?: Logger } | undefined | null"
    )]
    pub fn new(env: Env, options: Option<Unknown<'_>>) -> Result<Self> {
        let logger = crate::log::logger_option(&env, options.as_ref())?;
        let options: ClientOptions =
            options::read(&env, options, &CLIENT_OPTIONS, "the Client options")?
                .unwrap_or_default();
        options
            .builder()
            .map(|b| match logger {
                Some(logger) => b.logger(logger),
                None => b,
            })
            .and_then(|b| b.build())
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

    /// The deadline of a whole call in milliseconds, or null.
    #[napi(getter, catch_unwind)]
    pub fn deadline_ms(&self) -> Option<f64> {
        self.inner.deadline().map(|d| d.as_secs_f64() * 1000.0)
    }

    #[napi(getter, catch_unwind)]
    pub fn max_retries(&self) -> u32 {
        self.inner.max_retries()
    }
}
