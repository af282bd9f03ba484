//! Mirrors `dialtime::client`: one core client (one connection pool) per `Client`.

use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::dial_time_groups::DialTimeGroups;
use crate::error::OrThrow;
use crate::log::LoggerRef;
use crate::memory::Reported;
use crate::options::{self, ClientOptions, CLIENT_OPTIONS};

/// What a client holds natively (its connection pool, TLS configuration and headers),
/// measured: 11–13 KB each (150,000 plain-HTTP clients, 300 HTTPS ones). Reported to V8 as
/// external memory, so that a program making many clients is collected for their real size,
/// not the few bytes of their JavaScript objects (V8 sees nothing else of it).
const NATIVE_BYTES: usize = 12 * 1024;

/// The client. Safe to share: calls run concurrently on one connection pool, off the
/// JavaScript thread. Never shows its token.
#[napi(custom_finalize)]
pub struct Client {
    pub(crate) inner: dialtime::Client,
    /// The `logger` option, kept by this object's JavaScript side (see `js::keep`).
    logger: Option<LoggerRef>,
    /// `NATIVE_BYTES`, reported to V8.
    reported: Reported,
}

impl ObjectFinalize for Client {
    fn finalize(mut self, env: Env) -> Result<()> {
        self.reported.set(&env, 0);
        Ok(())
    }
}

#[napi]
impl Client {
    #[napi(
        constructor,
        catch_unwind,
        ts_args_type = "options?: ClientOptions & { logger?: Logger } | undefined | null"
    )]
    pub fn new(env: Env, this: This<'_>, options: Option<Unknown<'_>>) -> Result<Self> {
        // A panic is a bug reported as one (a `DialtimeError` of kind 'internal'), as from
        // every method; napi-rs's own boundary threw a plain Error.
        crate::call::guard(&env, || Self::construct(env, this, options))
    }

    fn construct(env: Env, this: This<'_>, options: Option<Unknown<'_>>) -> Result<Self> {
        // `Client(options)` without `new` ran with the global object as `this` (and kept the
        // logger on it for good); `Client.call(obj, options)` runs with `obj`.
        let global = env.get_global()?;
        let mut unconstructed = false;
        // SAFETY: a valid env on its own thread and two values of it.
        unsafe {
            napi::sys::napi_strict_equals(
                env.raw(),
                this.object.raw(),
                global.raw(),
                &mut unconstructed,
            )
        };
        if !unconstructed {
            // `Client.call(anotherClient, …)`: napi-rs cannot wrap an object twice, and drops
            // the new client without finalizing it (its external memory stayed counted).
            let mut wrapped = std::ptr::null_mut();
            // SAFETY: a valid env on its own thread and a value of it; only reads.
            unconstructed =
                unsafe { napi::sys::napi_unwrap(env.raw(), this.object.raw(), &mut wrapped) }
                    == napi::sys::Status::napi_ok;
        }
        if unconstructed {
            return Err(crate::options::type_error(
                &env,
                "Class constructor Client cannot be invoked without 'new'",
            ));
        }
        // A Map given as the options (or an array, …) is refused, not read as an object of
        // none; every other object is read once, its getters each run once.
        if let Some(o) = options.as_ref() {
            if let Some(kind) = options::not_plain(&env, o)? {
                return Err(options::type_error(
                    &env,
                    &format!("the Client options must be a plain object, got {kind}"),
                ));
            }
        }
        let options::ReadOnce {
            options,
            headers,
            roots,
        } = options::read_client_options(&env, options)?;
        let vars = options::process_env(&env)?;
        let log_setting = vars.as_ref().map(|vars| {
            vars.iter()
                .find(|(name, _)| name == dialtime::client::log::ENV_LOG)
                .map(|(_, value)| value.as_str())
        });
        let (logger, given) = crate::log::logger_option(&env, options.as_ref(), log_setting)?;
        let options: ClientOptions =
            options::read(&env, options, &CLIENT_OPTIONS, "the Client options")?
                .unwrap_or_default();
        let inner = options
            .builder(headers, roots)
            .map(|b| match vars {
                Some(vars) => dialtime::__private::with_environment(b, vars),
                None => b,
            })
            .map(|b| match logger {
                Some(logger) => b.logger(logger),
                None => b,
            })
            .and_then(|b| b.build())
            .or_throw(&env)?;
        let logger = match given {
            Some((object, logger)) => {
                crate::js::keep(&env, this.object.raw(), &[object.raw()])?;
                Some(logger)
            }
            None => None,
        };
        let mut reported = Reported::default();
        reported.set(&env, NATIVE_BYTES);
        Ok(Client {
            inner,
            logger,
            reported,
        })
    }

    #[napi(getter, catch_unwind, ts_return_type = "DialTimeGroups")]
    pub fn dial_time_groups<'env>(
        &self,
        env: &'env Env,
    ) -> Result<ClassInstance<'env, DialTimeGroups>> {
        DialTimeGroups::new(self.inner.clone(), self.logger.clone()).into_kept_instance(env)
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
