//! Mirrors `dialtime::validate`, and turns JavaScript values into the JSON the core reads.

use dialtime::__private::{
    not_finite, not_json, not_unicode, threw, too_deep, too_many_items, too_many_values,
    too_much_text, with_index, with_key, ValueBudget, MAX_ITEMS, MAX_NESTING,
};
use dialtime::Problem;
use napi::bindgen_prelude::*;
use napi::{JsValue, KeyCollectionMode, KeyConversion, KeyFilter};
use napi_derive::napi;
use serde_json::{Map, Number, Value};

use crate::error::OrThrow;

/// Checks a payload against every rule; throws `ValidationError` listing every problem.
#[napi(catch_unwind, ts_args_type = "payload: NewDialTimeGroup")]
pub fn validate(env: Env, payload: Unknown<'_>) -> Result<()> {
    read_payload(&env, payload, dialtime::__private::quick_new_group, |v| {
        dialtime::validate::new_group_from_json(&v)
    })
    .map(drop)
    .or_throw(&env)
}

/// The longest `JSON.stringify` text read as it is (UTF-16 units): real payloads are a few KB.
const MAX_STRINGIFIED: usize = 8 << 20;

/// Any JavaScript value as the JSON the core validates: what `JSON.stringify` makes of it
/// (`toJSON` honoured, `undefined` and functions left out; NaN and ±Infinity, which it writes
/// as `null`, are reported at their paths), so a wrong type is reported by the core's rules
/// with its path. The fast way is V8's own
/// `JSON.stringify` and one parse; what it refuses (a cyclic or runaway structure, a BigInt)
/// is walked by [`to_json`], which names the path of the problem — never a crash.
pub(crate) fn payload_json(env: &Env, payload: Unknown<'_>) -> dialtime::Result<Value> {
    read_payload(env, payload, |_| None, Ok)
}

/// A payload as `read` reads [`payload_json`]'s value, or as `quick` reads `JSON.stringify`'s
/// text when it can (the core reads a well-formed create or update from the text, without a
/// `Value` tree: `None` leaves the payload to `read`).
pub(crate) fn read_payload<T>(
    env: &Env,
    payload: Unknown<'_>,
    quick: fn(&str) -> Option<T>,
    read: impl FnOnce(Value) -> dialtime::Result<T>,
) -> dialtime::Result<T> {
    let value = match stringified(env, payload) {
        Stringified::Text(text) => {
            if let Some(done) = quick(&text) {
                return Ok(done);
            }
            // A text the parser refuses (nesting too deep for it, a lone surrogate written as
            // `\ud800`): walked, which names the path and the problem.
            match serde_json::from_str(&text) {
                Ok(value) => return read(value),
                Err(_) => walked(payload),
            }
        }
        Stringified::TooManyItemsAt(path) => Err(too_many_items(&path)),
        Stringified::TooManyValuesAt(path) => Err(too_many_values(&path)),
        Stringified::TooMuchTextAt(path) => Err(too_much_text(&path)),
        Stringified::NonFinite(problems) => return Err(dialtime::Error::Validation(problems)),
        Stringified::Refused => walked(payload),
    };
    match value {
        Ok(value) => read(value),
        Err(p) => Err(dialtime::Error::Validation(vec![p])),
    }
}

fn walked(payload: Unknown<'_>) -> std::result::Result<Value, Problem> {
    to_json(
        payload,
        &mut String::from("$"),
        0,
        &mut ValueBudget::default(),
        Some(""),
    )
}

/// Clears the pending exception and returns its message (an `Error`'s `message`, a thrown
/// string), or "an exception" when it has none that can be read without running more code
/// that may throw.
fn take_thrown(env: napi::sys::napi_env) -> String {
    let mut thrown = std::ptr::null_mut();
    // SAFETY: a valid env on its own thread; clears the pending exception, if any.
    let status = unsafe { napi::sys::napi_get_and_clear_last_exception(env, &mut thrown) };
    if status != napi::sys::Status::napi_ok || thrown.is_null() {
        return "an exception".to_owned();
    }
    // SAFETY: a value napi just returned in this env.
    let thrown = unsafe { Unknown::from_raw_unchecked(env, thrown) };
    let text = match thrown.get_type() {
        // SAFETY (both casts): the value's type was just checked.
        Ok(ValueType::String) => unsafe { thrown.cast::<String>() }.ok(),
        Ok(ValueType::Object) => unsafe { thrown.cast::<Object<'_>>() }
            .ok()
            .and_then(|o| o.get_named_property::<Unknown<'_>>("message").ok())
            .filter(|m| m.get_type().ok() == Some(ValueType::String))
            .and_then(|m| unsafe { m.cast::<String>() }.ok()),
        _ => None,
    };
    // Reading `message` may itself have thrown (a Proxy): nothing stays pending.
    let mut again = std::ptr::null_mut();
    // SAFETY: as above.
    unsafe { napi::sys::napi_get_and_clear_last_exception(env, &mut again) };
    text.unwrap_or_else(|| "an exception".to_owned())
}

/// What `stringifyPayload` made of a payload.
enum Stringified {
    /// `JSON.stringify`'s text (not too long to read).
    Text(String),
    /// An array over `MAX_ITEMS` at this path, stringify stopped before expanding it.
    TooManyItemsAt(String),
    /// The `MAX_VALUES`th value at this path (an object repeated many times), stringify stopped.
    TooManyValuesAt(String),
    /// The string or key at this path took the payload past `MAX_TEXT` (one string repeated
    /// many times), stringify stopped.
    TooMuchTextAt(String),
    /// NaN or ±Infinity at these paths (the replacer noted them, toJSON's results included).
    NonFinite(Vec<Problem>),
    /// Nothing usable (it threw, or the text is too long): walked instead (as is a text that
    /// nests too deep for the parser, by [`read_payload`]).
    Refused,
}

/// `JSON.stringify(payload)`, in Rust: `Refused` when stringify throws (its exception is
/// cleared) or gives no text, or a text too long to read. It is index.js's
/// `stringifyPayload`, which throws at once for an array longer than `MAX_ITEMS` instead of
/// expanding it (`a[1e8] = x` stringified to gigabytes of "null," with the JS thread blocked).
fn stringified(env: &Env, payload: Unknown<'_>) -> Stringified {
    stringify(env, payload).unwrap_or(Stringified::Refused)
}

fn stringify(env: &Env, payload: Unknown<'_>) -> Option<Stringified> {
    let stringify = crate::js::registered(env).ok()?.stringify.value(env);
    if stringify.is_null() {
        return None;
    }
    let mut out = std::ptr::null_mut();
    let mut this = std::ptr::null_mut();
    // SAFETY: a valid env on its own thread; the function and the payload are values of it.
    let status = unsafe {
        napi::sys::napi_get_undefined(env.raw(), &mut this);
        napi::sys::napi_call_function(env.raw(), this, stringify, 1, &payload.raw(), &mut out)
    };
    if status != napi::sys::Status::napi_ok {
        let mut thrown = std::ptr::null_mut();
        // SAFETY: a valid env on its own thread; clears the exception stringify threw.
        unsafe { napi::sys::napi_get_and_clear_last_exception(env.raw(), &mut thrown) };
        return None;
    }
    // SAFETY: a value napi just returned in this env.
    let out = unsafe { Unknown::from_raw_unchecked(env.raw(), out) };
    match out.get_type().ok()? {
        ValueType::String => {}
        ValueType::Object => {
            // SAFETY: the value's type was just checked.
            let stopped: Object<'_> = unsafe { out.cast() }.ok()?;
            if let Ok(found) = stopped.get_named_property::<Vec<(String, String)>>("nonFinite") {
                let problems = found
                    .iter()
                    .take(MAX_ITEMS)
                    .map(|(path, value)| {
                        let n = match value.as_str() {
                            "Infinity" => f64::INFINITY,
                            "-Infinity" => f64::NEG_INFINITY,
                            _ => f64::NAN,
                        };
                        not_finite(path, n)
                    })
                    .collect();
                return Some(Stringified::NonFinite(problems));
            }
            if let Ok(path) = stopped.get_named_property::<String>("tooManyValuesAt") {
                return Some(Stringified::TooManyValuesAt(path));
            }
            if let Ok(path) = stopped.get_named_property::<String>("tooMuchTextAt") {
                return Some(Stringified::TooMuchTextAt(path));
            }
            let path: String = stopped.get_named_property("tooManyItemsAt").ok()?;
            return Some(Stringified::TooManyItemsAt(path));
        }
        _ => return None,
    }
    // A text this long is no real payload (an array holding little stringifies to
    // "null,null,…" and would parse to as many values): walked by `to_json` instead.
    let mut units = 0usize;
    // SAFETY: a valid env on its own thread and a string value; only its length is read.
    let status = unsafe {
        napi::sys::napi_get_value_string_utf16(
            env.raw(),
            out.raw(),
            std::ptr::null_mut(),
            0,
            &mut units,
        )
    };
    if status != napi::sys::Status::napi_ok || units > MAX_STRINGIFIED {
        return None;
    }
    // SAFETY: the value's type was just checked.
    unsafe { out.cast() }.ok().map(Stringified::Text)
}

/// A JavaScript string as Rust text, or the problem at `path` when it holds a lone surrogate
/// (napi's UTF-8 reading replaced it with U+FFFD, and the payload was sent changed).
fn text(
    v: Unknown<'_>,
    path: &str,
) -> std::result::Result<String, std::result::Result<Problem, napi::Error>> {
    // SAFETY: the caller checked that the value is a string.
    let units: Utf16String = unsafe { v.cast() }.map_err(Err)?;
    String::from_utf16(&units).map_err(|_| Ok(not_unicode(path)))
}

/// What `obj.toJSON(key)` returns where `toJSON` is a function (its own or inherited), as
/// JSON.stringify calls it; `None` where there is none. A throw is the error (pending).
fn own_to_json<'v>(obj: &Object<'v>, key_name: &str) -> Result<Option<Unknown<'v>>> {
    let method: Unknown<'_> = obj.get_named_property("toJSON")?;
    if method.get_type()? != ValueType::Function {
        return Ok(None);
    }
    let env = obj.value().env;
    let mut key = std::ptr::null_mut();
    let mut out = std::ptr::null_mut();
    // SAFETY: a valid env on its own thread; `key_name` is UTF-8 of that length; the function,
    // the receiver and the key are values of it.
    check_status!(unsafe {
        napi::sys::napi_create_string_utf8(
            env,
            key_name.as_ptr().cast(),
            key_name.len() as isize,
            &mut key,
        )
    })?;
    check_status!(unsafe {
        napi::sys::napi_call_function(env, obj.raw(), method.raw(), 1, &key, &mut out)
    })?;
    // SAFETY: a value napi just returned in this env.
    Ok(Some(unsafe { Unknown::from_raw_unchecked(env, out) }))
}

/// A value as JSON.stringify reads it: `key` is the name it was read under (`""` for the
/// payload itself), whose `toJSON` is called with it; `None` for what a `toJSON` returned,
/// which stringify does not call `toJSON` on again.
fn to_json(
    v: Unknown<'_>,
    path: &mut String,
    depth: usize,
    budget: &mut ValueBudget,
    key: Option<&str>,
) -> std::result::Result<Value, Problem> {
    let raw_env = v.env();
    let broken = |path: &str, e: napi::Error| {
        // Node reports a throwing getter as `napi_generic_failure`, the exception pending.
        let mut pending = false;
        // SAFETY: a valid env on its own thread.
        unsafe { napi::sys::napi_is_exception_pending(raw_env, &mut pending) };
        if pending || e.status == Status::PendingException {
            // A getter or a Proxy trap threw: the problem says what, and no exception is left
            // pending (the next napi call failed with it, blaming an innocent argument).
            threw(path, &take_thrown(raw_env))
        } else {
            not_json(path, &format!("an unreadable value ({})", e.reason))
        }
    };
    if depth > MAX_NESTING {
        return Err(too_deep(path));
    }
    budget.take(path)?;
    let kind = v.get_type().map_err(|e| broken(path, e))?;
    Ok(match kind {
        ValueType::Undefined | ValueType::Null => Value::Null,
        // SAFETY (all casts): the value's type was just checked.
        ValueType::Boolean => {
            Value::Bool(unsafe { v.cast::<bool>() }.map_err(|e| broken(path, e))?)
        }
        ValueType::String => {
            let s = text(v, path).map_err(|e| e.unwrap_or_else(|e| broken(path, e)))?;
            budget.take_text(path, s.len())?;
            Value::String(s)
        }
        ValueType::Number => {
            let n: f64 = unsafe { v.cast() }.map_err(|e| broken(path, e))?;
            if n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_991.0 {
                Value::from(n as i64)
            } else {
                Number::from_f64(n)
                    .map(Value::Number)
                    .ok_or_else(|| not_finite(path, n))?
            }
        }
        ValueType::Object => {
            let obj: Object<'_> = unsafe { v.cast() }.map_err(|e| broken(path, e))?;
            let made = match key {
                // A Date's own toJSON is its text: reported as what it is.
                Some(key) if !obj.is_date().map_err(|e| broken(path, e))? => {
                    own_to_json(&obj, key).map_err(|e| broken(path, e))?
                }
                _ => None,
            };
            if let Some(made) = made {
                // What its `toJSON` returns, as JSON.stringify reads it (a toJSON that threw
                // made stringify refuse the whole payload: named here with what it threw).
                to_json(made, path, depth + 1, budget, None)?
            } else if obj.is_array().map_err(|e| broken(path, e))? {
                let len = obj
                    .get_array_length_unchecked()
                    .map_err(|e| broken(path, e))?;
                // `[]` with `length = 2 ** 32 - 1` costs JavaScript nothing; visiting every
                // hole took all the memory.
                if len as usize > MAX_ITEMS {
                    return Err(too_many_items(path));
                }
                let mut out = Vec::with_capacity(len.min(1 << 16) as usize);
                for i in 0..len {
                    out.push(with_index(path, i as usize, |path| {
                        let item: Unknown<'_> = obj.get_element(i).map_err(|e| broken(path, e))?;
                        to_json(item, path, depth + 1, budget, Some(&i.to_string()))
                    })?);
                }
                Value::Array(out)
            } else if obj.is_date().map_err(|e| broken(path, e))? {
                return Err(not_json(path, "a Date"));
            } else {
                let keys = obj
                    .get_all_property_names(
                        KeyCollectionMode::OwnOnly,
                        KeyFilter::Enumerable,
                        KeyConversion::NumbersToStrings,
                    )
                    .map_err(|e| broken(path, e))?;
                let n = keys
                    .get_array_length_unchecked()
                    .map_err(|e| broken(path, e))?;
                let mut map = Map::new();
                for i in 0..n {
                    let key: Unknown<'_> = keys.get_element(i).map_err(|e| broken(path, e))?;
                    if key.get_type().map_err(|e| broken(path, e))? != ValueType::String {
                        continue; // a symbol key: not JSON, skipped as JSON.stringify does
                    }
                    let name =
                        text(key, path).map_err(|e| e.unwrap_or_else(|e| broken(path, e)))?;
                    budget.take_text(path, name.len())?;
                    // Read under the key's path: a getter that throws is named by it.
                    let converted = with_key(path, &name, |path| {
                        let value: Unknown<'_> =
                            obj.get_property(key).map_err(|e| broken(path, e))?;
                        if value.get_type().map_err(|e| broken(path, e))? == ValueType::Undefined {
                            return Ok(None);
                        }
                        to_json(value, path, depth + 1, budget, Some(&name)).map(Some)
                    });
                    if let Some(value) = converted? {
                        map.insert(name, value);
                    }
                }
                Value::Object(map)
            }
        }
        ValueType::BigInt => return Err(not_json(path, "a BigInt (pass a number)")),
        ValueType::Function => return Err(not_json(path, "a function")),
        ValueType::Symbol => return Err(not_json(path, "a symbol")),
        _ => return Err(not_json(path, "a native object")),
    })
}
