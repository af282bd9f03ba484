//! The one place where a core [`dialtime::Error`] becomes a JavaScript error. The classes live in
//! `index.js`, which at load time hands the addon their factory (`register`, `js.rs`), so
//! every rejection and throw is a real `ValidationError`, `RateLimitError`, … with attributes.

use dialtime::Error;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::{json, Value};

/// The arguments of `index.js`'s `fromNative(kind, message, details)`.
pub(crate) type Args = FnArgs<(&'static str, String, Value)>;

/// `result.or_throw(env)?`: the suffix every fallible core call ends in.
pub(crate) trait OrThrow<T> {
    fn or_throw(self, env: &Env) -> Result<T>;
}

impl<T> OrThrow<T> for dialtime::Result<T> {
    fn or_throw(self, env: &Env) -> Result<T> {
        self.map_err(|e| to_js(env, &e))
    }
}

pub(crate) fn to_js(env: &Env, err: &Error) -> napi::Error {
    make(env, err.kind().as_str(), err.to_string(), details(err))
}

/// A panic caught at the boundary (a bug in dialtime): a `DialtimeError`, never an abort.
pub(crate) fn panicked(env: &Env) -> napi::Error {
    make(
        env,
        "internal",
        "internal error in dialtime (a bug: please report it)".to_owned(),
        Value::Null,
    )
}

/// An instance of the class of `index.js` standing for `kind`, as a napi error to throw or
/// reject with.
///
/// Called and captured without napi-rs's conversion of a JavaScript value to an error
/// (`Error::from(Unknown)`, which `Function::call` uses for what the function threw): that
/// conversion runs `toString` and reads `cause`, and near the JS stack limit each throws again,
/// a new exception it converted the same way, until the native stack overflowed (a segfault:
/// `validate` called from a deep recursion's `catch`). Where the factory throws (the stack
/// exhausted), its exception stays pending: the caller throws or rejects with it, a
/// `RangeError` as plain JavaScript would get.
fn make(env: &Env, kind: &'static str, message: String, details: Value) -> napi::Error {
    let build = || -> Result<napi::Error> {
        let raw = env.raw();
        let factory = crate::js::registered(env)?.error_factory(env);
        // SAFETY (every napi call below): a valid env on its own thread, values made in it.
        let args = unsafe {
            [
                <&str>::to_napi_value(raw, kind)?,
                String::to_napi_value(raw, message)?,
                Value::to_napi_value(raw, details)?,
            ]
        };
        let mut undefined = std::ptr::null_mut();
        check_status!(unsafe { napi::sys::napi_get_undefined(raw, &mut undefined) })?;
        let mut made = std::ptr::null_mut();
        let status = unsafe {
            napi::sys::napi_call_function(
                raw,
                undefined,
                factory,
                args.len(),
                args.as_ptr(),
                &mut made,
            )
        };
        match status {
            napi::sys::Status::napi_ok => Ok(napi::Error::from_unknown_without_coercion(unsafe {
                Unknown::from_raw_unchecked(raw, made)
            })),
            napi::sys::Status::napi_pending_exception => {
                Ok(napi::Error::from_status(Status::PendingException))
            }
            other => Err(napi::Error::new(
                Status::from(other),
                "dialtime: cannot make the error object",
            )),
        }
    };
    build().unwrap_or_else(|e| e)
}

/// The attributes the class constructors take (see `index.js`), README's names.
fn details(err: &Error) -> Value {
    let problems: Vec<Value> = err
        .problems()
        .iter()
        .map(|p| json!({ "path": p.path, "message": p.message }))
        .collect();
    let call = err.call();
    let headers: serde_json::Map<String, Value> = err
        .headers()
        .iter()
        .map(|(n, v)| (n.clone(), Value::String(v.clone())))
        .collect();
    json!({
        "method": call.map(|c| c.method),
        "path": call.map(|c| c.path.as_str()),
        "attempts": call.map(|c| c.attempts),
        "elapsedMs": call.map(|c| c.elapsed.as_secs_f64() * 1000.0),
        "deadlinePassed": call.is_some_and(|c| c.deadline_passed),
        "mayHaveBeenApplied": err.may_have_been_applied(),
        "requestId": err.request_id(),
        "headers": headers,
        "year": match err {
            Error::CalendarNotCovered { year } => Some(*year),
            _ => None,
        },
        "problems": problems,
        "httpStatus": err.http_status(),
        "envelopeCode": err.envelope_code(),
        "apiMessage": err.api_message(),
        "bodyExcerpt": err.body_excerpt(),
        "retryAfterMs": err.retry_after().map(|d| d.as_secs_f64() * 1000.0),
    })
}

/// One of the core's error kinds: its name (an error's `kind`) and its stable number.
#[napi(object)]
pub struct ErrorKindInfo {
    pub name: String,
    pub number: u32,
}

/// The core's error kinds, in number order: what `index.js` must have a class for.
#[napi(catch_unwind)]
pub fn error_kinds() -> Vec<ErrorKindInfo> {
    dialtime::ErrorKind::ALL
        .iter()
        .map(|k| ErrorKindInfo {
            name: k.as_str().to_owned(),
            number: u32::from(k.number()),
        })
        .collect()
}
