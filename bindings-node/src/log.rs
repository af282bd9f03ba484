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

use crate::call::{call_method, JsThread};
use crate::refs::RawRef;

// Declares the TypeScript shape of the `logger` option: both methods required, as
// `logger_option` checks (`{}` lost every line; the types had them optional).
/// The `logger` option: an object with both methods (`console` is one).
#[napi_derive::napi(object)]
#[allow(dead_code)]
pub struct Logger {
    /// Receives every attempt.
    #[napi(ts_type = "(message: string) => void")]
    pub debug: (),
    /// Receives attempts that failed and are retried.
    #[napi(ts_type = "(message: string) => void")]
    pub info: (),
}

/// The JavaScript logger object, referred to weakly: the `Client`, `DialTimeGroups` and
/// cursor objects that use it keep it (`js::keep`), and each call keeps it until it settles
/// ([`LoggerRef::strong`]). A strong reference from here was a root, and a logger closing
/// over its client's owner kept both alive forever.
#[derive(Clone)]
pub(crate) struct LoggerRef(Arc<Mutex<Option<RawRef>>>);

impl LoggerRef {
    /// The logger object (on the JS thread), or null once it is gone.
    pub(crate) fn value(&self, env: &Env) -> napi::sys::napi_value {
        match self.0.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            Some(r) => r.value(env),
            None => std::ptr::null_mut(),
        }
    }

    /// A strong reference for one call (on the JS thread): its records are logged even when
    /// every object that kept the logger is collected before it settles.
    pub(crate) fn strong(&self, env: &Env) -> Option<RawRef> {
        let v = self.value(env);
        if v.is_null() {
            return None;
        }
        RawRef::new(env, v).ok()
    }
}

/// What keeps a call's logger alive until it settles (see [`LoggerRef::strong`]).
pub(crate) fn for_call(env: &Env, logger: Option<&LoggerRef>) -> Option<RawRef> {
    logger.and_then(|l| l.strong(env))
}

struct JsLogger {
    thread: JsThread,
    target: LoggerRef,
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
            let target = target.value(env);
            if target.is_null() {
                return;
            }
            if let Ok(line) = env.create_string(&line) {
                call_method(env, target, method, &[line.raw()]);
            }
        }));
    }
}

impl Drop for JsLogger {
    fn drop(&mut self) {
        // The reference is deleted on the JS thread (a client may be dropped on any thread).
        let target = self.target.clone();
        self.thread.post(Box::new(move |env: &Env| {
            if let Some(r) = target.0.lock().unwrap_or_else(|e| e.into_inner()).take() {
                r.delete(env);
            }
        }));
    }
}

/// The logger a client gets: its `logger` option, else `DIALTIME_LOG`'s stderr logger; with
/// the option, also the logger object (for the `Client` to keep) and its [`LoggerRef`].
#[allow(clippy::type_complexity)]
pub(crate) fn logger_option<'v>(
    env: &Env,
    options: Option<&Unknown<'v>>,
    log_setting: Option<Option<&str>>,
) -> Result<(
    Option<Arc<dyn dialtime::client::log::Logger>>,
    Option<(Unknown<'v>, LoggerRef)>,
)> {
    let given = match options {
        Some(o) if o.get_type()? == ValueType::Object => {
            let o: Object<'_> = unsafe { o.cast() }?;
            let l = o.get_named_property::<Unknown<'_>>("logger")?;
            match l.get_type()? {
                ValueType::Undefined | ValueType::Null => None,
                ValueType::Object => {
                    // Checked here, not at the first call to log: `{}` was accepted and
                    // then every log line was lost.
                    let l_obj: Object<'_> = unsafe { l.cast() }?;
                    for method in ["debug", "info"] {
                        let m = l_obj.get_named_property::<Unknown<'_>>(method)?;
                        if m.get_type()? != ValueType::Function {
                            return Err(crate::options::type_error(
                                env,
                                &format!(
                                    "logger must be an object with debug and info methods \
                                     (e.g. console), got one whose {method} is {}",
                                    crate::options::type_name(m.get_type()?)
                                ),
                            ));
                        }
                    }
                    Some(l)
                }
                other => {
                    return Err(crate::options::type_error(
                        env,
                        &format!(
                            "logger must be an object with debug and info methods (e.g. \
                             console), got {}",
                            crate::options::type_name(other)
                        ),
                    ))
                }
            }
        }
        _ => None,
    };
    match given {
        Some(l) => {
            let target = LoggerRef(Arc::new(Mutex::new(Some(RawRef::weak(env, l.raw())?))));
            let logger = Arc::new(JsLogger {
                thread: JsThread::of(env)?,
                target: target.clone(),
            });
            // SAFETY: the same value, of the caller's scope.
            let l = unsafe { Unknown::from_raw_unchecked(env.raw(), l.raw()) };
            Ok((Some(logger), Some((l, target))))
        }
        // DIALTIME_LOG as `process.env` has it (a worker's own copy), else the process's.
        None => Ok((
            match log_setting {
                Some(value) => dialtime::__private::env_logger_from(value),
                None => dialtime::__private::env_logger(),
            },
            None,
        )),
    }
}
