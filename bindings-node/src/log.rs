//! Per-attempt records for JavaScript: the `logger` option (any object with `debug` and
//! `info` methods: `console`, pino, winston), else `DIALTIME_LOG` to stderr.
//!
//! The core hands records over on its runtime thread; each becomes a job on the JS thread
//! (through the same queue that settles promises, so a call's records come before its
//! result), which calls `logger.debug(line)` or `logger.info(line)`. A logger that throws is
//! ignored. Lines never contain the token or a header value.

use std::sync::{Arc, Mutex};

use dialtime::client::log::{Attempt, Level};
use napi::bindgen_prelude::*;

use crate::call::{call_method, JsThread, RawRef};

/// Declares the TypeScript shape of the `logger` option.
#[napi_derive::napi(object)]
#[allow(dead_code)]
pub struct Logger {
    /// Receives every attempt.
    #[napi(ts_type = "(message: string) => void")]
    pub debug: Option<()>,
    /// Receives attempts that failed and are retried.
    #[napi(ts_type = "(message: string) => void")]
    pub info: Option<()>,
}

/// The JavaScript logger object, kept alive until the client is gone.
struct JsLogger {
    thread: JsThread,
    target: Arc<Mutex<Option<RawRef>>>,
}

impl dialtime::client::log::Logger for JsLogger {
    fn enabled(&self, _level: Level) -> bool {
        true
    }

    fn log(&self, record: &Attempt<'_>) {
        let line = record.to_string();
        let method = record.level.as_str();
        let target = self.target.clone();
        self.thread.post(Box::new(move |env: &Env| {
            let guard = target.lock().unwrap_or_else(|e| e.into_inner());
            let Some(target) = guard.as_ref() else { return };
            if let Ok(line) = env.create_string(&line) {
                call_method(env, target.value(env), method, &[line.raw()]);
            }
        }));
    }
}

impl Drop for JsLogger {
    fn drop(&mut self) {
        // The reference is deleted on the JS thread (a client may be dropped on any thread).
        let target = self.target.clone();
        self.thread.post(Box::new(move |env: &Env| {
            if let Some(r) = target.lock().unwrap_or_else(|e| e.into_inner()).take() {
                r.delete(env);
            }
        }));
    }
}

/// The logger a client gets: its `logger` option, else `DIALTIME_LOG`'s stderr logger.
pub(crate) fn logger_option(
    env: &Env,
    options: Option<&Unknown<'_>>,
) -> Result<Option<Arc<dyn dialtime::client::log::Logger>>> {
    let given = match options {
        Some(o) if o.get_type()? == ValueType::Object => {
            let o: Object<'_> = unsafe { o.cast() }?;
            let l = o.get_named_property::<Unknown<'_>>("logger")?;
            match l.get_type()? {
                ValueType::Undefined | ValueType::Null => None,
                ValueType::Object => Some(l),
                _ => {
                    return Err(napi::Error::new(
                        Status::InvalidArg,
                        "logger must be an object with debug and info methods (e.g. console)",
                    ))
                }
            }
        }
        _ => None,
    };
    match given {
        Some(l) => Ok(Some(Arc::new(JsLogger {
            thread: JsThread::of(env)?,
            target: Arc::new(Mutex::new(Some(RawRef::new(env, l.raw())?))),
        }))),
        None => Ok(dialtime::__private::env_logger()),
    }
}
