//! The one place where a core [`dialtime::Error`] becomes a JavaScript error. The classes live in
//! `errors.js`; at load time `index.js` hands this module their factory (`registerErrors`), so
//! every rejection and throw is a real `ValidationError`, `RateLimitError`, … with attributes.

use dialtime::Error;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::{json, Value};

/// `(className, message, details) => Error`, kept per Node environment (worker threads each
/// load their own).
type Factory = FunctionRef<Args, Unknown<'static>>;
type Args = FnArgs<(&'static str, String, Value)>;

/// Called once by `index.js` with `errors.fromNative`.
#[napi(skip_typescript, catch_unwind)]
pub fn register_errors(env: Env, factory: Function<Args, Unknown<'static>>) -> Result<()> {
    env.set_instance_data(factory.create_ref()?, (), |_| {})
}

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
    make(env, err.kind().class_name(), err.to_string(), details(err))
}

/// A panic caught at the boundary (a bug in dialtime): a `DialtimeError`, never an abort.
pub(crate) fn panicked(env: &Env) -> napi::Error {
    make(
        env,
        "DialtimeError",
        "internal error in dialtime (a bug: please report it)".to_owned(),
        Value::Null,
    )
}

/// An instance of the class `class` of `errors.js`, as a napi error to throw or reject with.
fn make(env: &Env, class: &'static str, message: String, details: Value) -> napi::Error {
    let build = || -> Result<napi::Error> {
        let factory = env
            .get_instance_data::<Factory>()?
            .ok_or_else(|| napi::Error::from_reason("dialtime: error classes not registered"))?;
        let error = factory
            .borrow_back(env)?
            .call((class, message, details).into())?;
        Ok(napi::Error::from(error))
    };
    build().unwrap_or_else(|e| e)
}

/// The attributes the class constructors take (see `errors.js`).
fn details(err: &Error) -> Value {
    let problems: Vec<Value> = err
        .problems()
        .iter()
        .map(|p| json!({ "path": p.path, "message": p.message }))
        .collect();
    match err.api_error() {
        Some(api) => json!({
            "status": api.http_status,
            "apiCode": api.code,
            "message": api.message,
            "body": api.body,
            "errors": problems,
            "retryAfter": err.retry_after().map(|d| d.as_secs_f64()),
        }),
        None => json!({
            "status": err.http_status(),
            "body": err.body(),
            "errors": problems,
        }),
    }
}
