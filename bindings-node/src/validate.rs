//! Mirrors `dialtime::validate`.

use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;

use crate::error::OrThrow;

/// Checks a payload against every rule; throws `ValidationError` listing every problem.
#[napi(ts_args_type = "payload: NewDialTimeGroup")]
pub fn validate(env: Env, payload: Unknown<'_>) -> Result<()> {
    payload_json(&env, payload)
        .and_then(|v| dialtime::validate::new_group_from_json(&v))
        .map(drop)
        .or_throw(&env)
}

/// Any JavaScript value as the JSON the core validates (so a wrong type is reported by the
/// core's rules, with its path, like any other problem).
pub(crate) fn payload_json(env: &Env, payload: Unknown<'_>) -> dialtime::Result<Value> {
    env.from_js_value::<Value, _>(payload).map_err(|e| {
        dialtime::Error::Validation(vec![dialtime::Problem::new(
            "$",
            format!(
                "must be a JSON object as in the platform's docs ({})",
                e.reason
            ),
        )])
    })
}
