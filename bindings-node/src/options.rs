//! Option objects from JavaScript: the client's (`new Client({...})`) and a call's (the last
//! argument of every method). An unknown key is a `TypeError` naming it (a typo such as
//! `{timeout: 5}` must not silently mean the defaults); numbers are checked by the core's
//! rules. Unset options are the core's defaults: nothing here has a default of its own.

use std::collections::HashMap;

use dialtime::__private::{retries_from_number, timeout_from_millis};
use napi::bindgen_prelude::*;
use napi::{KeyCollectionMode, KeyConversion, KeyFilter};
use napi_derive::napi;

use crate::error::OrThrow;

/// Reads an options object: `undefined`/`null` is none; anything but a plain object, or an
/// object with a key not in `allowed`, is a `TypeError`.
pub(crate) fn read<T: FromNapiValue>(
    env: &Env,
    value: Option<Unknown<'_>>,
    allowed: &[&str],
    what: &str,
) -> Result<Option<T>> {
    read_with_signal(env, value, allowed, what).map(|(options, _, _)| options)
}

/// [`read`], the options' `signal` (an `AbortSignal`) and `recorder` (a `ResponseRecorder`)
/// when given.
pub(crate) fn read_with_signal<'v, T: FromNapiValue>(
    env: &Env,
    value: Option<Unknown<'v>>,
    allowed: &[&str],
    what: &str,
) -> Result<(
    Option<T>,
    Option<Object<'v>>,
    Option<dialtime::ResponseRecorder>,
)> {
    let Some(value) = value else {
        return Ok((None, None, None));
    };
    match value.get_type()? {
        ValueType::Undefined | ValueType::Null => return Ok((None, None, None)),
        ValueType::Object => {}
        other => {
            return Err(type_error(
                env,
                &format!(
                    "{what} must be an object, got a {}",
                    format!("{other:?}").to_lowercase()
                ),
            ))
        }
    }
    let obj: Object<'_> = unsafe { value.cast() }?;
    check_keys(env, &obj, allowed, what)?;
    let signal = match obj.get_named_property::<Unknown<'_>>("signal")? {
        s if matches!(s.get_type()?, ValueType::Undefined | ValueType::Null) => None,
        s if s.get_type()? == ValueType::Object => Some(unsafe { s.cast::<Object<'v>>() }?),
        _ => {
            return Err(type_error(
                env,
                &format!("the `signal` in {what} must be an AbortSignal"),
            ))
        }
    };
    let recorder = match obj.get_named_property::<Unknown<'_>>("recorder")? {
        r if matches!(r.get_type()?, ValueType::Undefined | ValueType::Null) => None,
        r => {
            // An instance of the class, checked (`instanceof`) before it is unwrapped.
            // `instanceof` holds for a Proxy of one, which then does not unwrap: the same
            // TypeError (it was napi-rs's "Unwrap value [dialtime_node::…] failed").
            let checked = unsafe {
                <&crate::recorder::ResponseRecorder as ValidateNapiValue>::validate(
                    value.env(),
                    r.raw(),
                )
            };
            let unwrapped = checked.and_then(|_| unsafe {
                ClassInstance::<crate::recorder::ResponseRecorder>::from_napi_value(
                    value.env(),
                    r.raw(),
                )
            });
            match unwrapped {
                Ok(r) => Some(r.inner.clone()),
                Err(_) => {
                    return Err(type_error(
                        env,
                        &format!("the `recorder` in {what} must be a ResponseRecorder"),
                    ))
                }
            }
        }
    };
    let options = unsafe { T::from_napi_value(value.env(), value.raw()) }
        .map_err(|e| option_type_error(env, &obj, &e, what))?;
    Ok((Some(options), signal, recorder))
}

/// A `TypeError` naming the first own enumerable key of `obj` not in `allowed` (listing its
/// keys runs no getter).
fn check_keys(env: &Env, obj: &Object<'_>, allowed: &[&str], what: &str) -> Result<()> {
    let keys = obj.get_all_property_names(
        KeyCollectionMode::OwnOnly,
        KeyFilter::Enumerable,
        KeyConversion::NumbersToStrings,
    )?;
    for i in 0..keys.get_array_length_unchecked()? {
        let key: Unknown<'_> = keys.get_element(i)?;
        if key.get_type()? != ValueType::String {
            continue;
        }
        let name: String = unsafe { key.cast() }?;
        if !allowed.contains(&name.as_str()) {
            return Err(type_error(
                env,
                &format!(
                    "unknown option `{name}` in {what} (known: {})",
                    allowed.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// The Client options as [`read_client_options`] read them.
pub(crate) struct ReadOnce<'v> {
    /// The options to convert: a copy holding every known option as an own property, or the
    /// value given when it is not an object (the conversion names its type).
    pub(crate) options: Option<Unknown<'v>>,
    /// `defaultHeaders`, read, counted and checked here (the copy holds none).
    pub(crate) headers: Option<Vec<(String, String)>>,
    /// `rootCertificatesPem`, read, counted and measured here (the copy holds none).
    pub(crate) roots: Option<Vec<String>>,
}

/// The Client options `value` read once: its keys checked as [`read`] checks them, then a new
/// object defining every known option (own or inherited in `value`, as napi-rs's conversion
/// reads them: a class's getter counts; `undefined` where absent, so that nothing the copy
/// inherits is read), each getter run once, and `defaultHeaders` read here
/// ([`headers_once`]). The checks and the conversion that follow read this copy, so they see
/// the same values: a `defaultHeaders` getter answering a small object to the header count and
/// a huge one to the conversion had the huge one copied.
pub(crate) fn read_client_options<'v>(
    env: &'v Env,
    value: Option<Unknown<'v>>,
) -> Result<ReadOnce<'v>> {
    let what = "the Client options";
    let given = |options| ReadOnce {
        options,
        headers: None,
        roots: None,
    };
    let Some(value) = value else {
        return Ok(given(None));
    };
    if value.get_type()? != ValueType::Object {
        return Ok(given(Some(value)));
    }
    // SAFETY: the value's type was just checked.
    let obj: Object<'_> = unsafe { value.cast() }?;
    check_keys(env, &obj, &CLIENT_OPTIONS, what)?;
    let copy = Object::new(env)?;
    let mut undefined = std::ptr::null_mut();
    // SAFETY: a valid env on its own thread.
    check_status!(unsafe { napi::sys::napi_get_undefined(env.raw(), &mut undefined) })?;
    let mut headers = None;
    let mut roots = None;
    for name in CLIENT_OPTIONS {
        let v: Unknown<'_> = obj.get_named_property(name)?;
        let kept = if name == "defaultHeaders" {
            headers = headers_once(env, v)?;
            undefined
        } else if name == "rootCertificatesPem" {
            roots = roots_once(env, v)?;
            undefined
        } else {
            v.raw()
        };
        define(env, &copy, env.create_string(name)?.raw(), kept)?;
    }
    Ok(ReadOnce {
        options: Some(copy.to_unknown()),
        headers,
        roots,
    })
}

/// `rootCertificatesPem` as given (`undefined`: none): a PEM text or an array of them, each
/// item read once and its size measured before it is copied, against the core's limits (a
/// thousand references to one 10 MB string were 10 GB copied before any check).
fn roots_once(env: &Env, roots: Unknown<'_>) -> Result<Option<Vec<String>>> {
    use dialtime::client::config::check_root_certificates;
    const ROOTS: &str = "rootCertificatesPem";
    let wrong = |got: &str| {
        Err(type_error(
            env,
            &format!(
                "`rootCertificatesPem` in the Client options must be a string or an array of \
                 strings, got {got}"
            ),
        ))
    };
    match roots.get_type()? {
        ValueType::Undefined => return Ok(None),
        ValueType::String => {
            check_root_certificates(ROOTS, 1, utf8_len(env, &roots)?).or_throw(env)?;
            // SAFETY: the value's type was just checked.
            return Ok(Some(vec![unsafe { roots.cast::<String>() }?]));
        }
        ValueType::Object if roots.is_array()? => {}
        other => return wrong(type_name(other)),
    }
    // SAFETY: the value's type was just checked.
    let list: Object<'_> = unsafe { roots.cast() }?;
    let length: Unknown<'_> = list.get_named_property("length")?;
    let length = match length.get_type()? {
        // SAFETY: the value's type was just checked; a length is a whole number.
        ValueType::Number => {
            unsafe { length.cast::<f64>() }?.clamp(0.0, f64::from(u32::MAX)) as u32
        }
        _ => 0,
    };
    let mut out = Vec::new();
    let mut bytes = 0usize;
    for i in 0..length {
        check_root_certificates(ROOTS, out.len() + 1, bytes).or_throw(env)?;
        let item: Unknown<'_> = list.get_element(i)?;
        if item.get_type()? != ValueType::String {
            return wrong("an array holding something else");
        }
        bytes = bytes.saturating_add(utf8_len(env, &item)?);
        check_root_certificates(ROOTS, out.len() + 1, bytes).or_throw(env)?;
        // SAFETY: the value's type was just checked.
        out.push(unsafe { item.cast::<String>() }?);
    }
    Ok(Some(out))
}

/// The length in UTF-8 bytes of `text`, a string, without copying it.
fn utf8_len(env: &Env, text: &Unknown<'_>) -> Result<usize> {
    let mut len = 0;
    // SAFETY: a valid env on its own thread and a string of it; no buffer: only the length.
    check_status!(unsafe {
        napi::sys::napi_get_value_string_utf8(
            env.raw(),
            text.raw(),
            std::ptr::null_mut(),
            0,
            &mut len,
        )
    })?;
    Ok(len)
}

/// `defaultHeaders` as given (`undefined`: none): an object of names to values, or pairs (a
/// `Map`, a `Headers`, an array of pairs) made one by `index.js`'s `headerPairs`. Its own
/// enumerable string keys are the names, as `fetch` reads a record of headers (napi-rs's
/// conversion also took inherited ones: `Object.prototype.x = 1` sent a header `x`), listed
/// once, counted against the core's limit before any value is read, and each value read once:
/// a Proxy listing one name to the count and a thousand to the conversion had them all
/// copied. A `TypeError` for anything else (a function's properties were taken as headers,
/// uncounted).
fn headers_once(env: &Env, headers: Unknown<'_>) -> Result<Option<Vec<(String, String)>>> {
    let refused = |kind: &str| {
        Err(type_error(
            env,
            &format!("defaultHeaders must be an object of header names to values, got {kind}"),
        ))
    };
    let headers = match headers.get_type()? {
        ValueType::Undefined => return Ok(None),
        ValueType::Object => crate::js::header_pairs(env, headers)?,
        other => return refused(type_name(other)),
    };
    if headers.get_type()? != ValueType::Object {
        return refused(type_name(headers.get_type()?));
    }
    if let Some(kind) = not_plain(env, &headers)? {
        return refused(kind);
    }
    // SAFETY: the value's type was just checked.
    let obj: Object<'_> = unsafe { headers.cast() }?;
    let names = obj.get_all_property_names(
        KeyCollectionMode::OwnOnly,
        KeyFilter::Enumerable,
        KeyConversion::NumbersToStrings,
    )?;
    let listed = names.get_array_length_unchecked()?;
    // Symbols are not names (skipped, as fetch skips them); counted before any value is read.
    let name_at = |i| -> Result<Option<Unknown<'_>>> {
        let name: Unknown<'_> = names.get_element(i)?;
        Ok((name.get_type()? == ValueType::String).then_some(name))
    };
    let mut count = 0;
    for i in 0..listed {
        count += usize::from(name_at(i)?.is_some());
    }
    dialtime::client::config::check_default_header_count("defaultHeaders", count).or_throw(env)?;
    let mut out = Vec::with_capacity(count);
    for i in 0..listed {
        let Some(name) = name_at(i)? else { continue };
        let value: Unknown<'_> = obj.get_property(name)?;
        // SAFETY: the name's type was checked by `name_at`.
        let name = unsafe { name.cast::<String>() }?;
        if value.get_type()? != ValueType::String {
            return Err(type_error(
                env,
                &format!(
                    "`defaultHeaders` in the Client options holds a value of the wrong type: \
                     `{name}` is {}, each must be a string",
                    type_name(value.get_type()?)
                ),
            ));
        }
        // SAFETY: the value's type was just checked.
        out.push((name, unsafe { value.cast::<String>() }?));
    }
    Ok(Some(out))
}

/// Defines `key` on `obj` as an own data property (writable, enumerable, configurable), as an
/// object literal does: assigning it ran a setter an application put on `Object.prototype`
/// (and `__proto__` set the prototype).
fn define(
    env: &Env,
    obj: &Object<'_>,
    key: napi::sys::napi_value,
    value: napi::sys::napi_value,
) -> Result<()> {
    use napi::sys::PropertyAttributes as A;
    let property = napi::sys::napi_property_descriptor {
        utf8name: std::ptr::null(),
        name: key,
        method: None,
        getter: None,
        setter: None,
        value,
        attributes: A::writable | A::enumerable | A::configurable,
        data: std::ptr::null_mut(),
    };
    // SAFETY: a valid env on its own thread; the object, key and value are values of it.
    check_status!(unsafe { napi::sys::napi_define_properties(env.raw(), obj.raw(), 1, &property) })
}

/// A `TypeError` naming the option napi-rs could not convert and the type it takes, from
/// napi-rs's message ("Failed to convert JavaScript value `Number 1 ` into rust type
/// `String` on ListOptions.page"), which names neither as JavaScript does.
fn option_type_error(env: &Env, obj: &Object<'_>, e: &napi::Error, what: &str) -> napi::Error {
    // A getter of the options object threw: that exception is the caller's answer.
    let mut pending = false;
    // SAFETY: a valid env on its own thread.
    unsafe { napi::sys::napi_is_exception_pending(env.raw(), &mut pending) };
    if pending || e.status == Status::PendingException {
        return napi::Error::from_status(Status::PendingException);
    }
    let reason = &e.reason;
    let key = reason
        .rsplit_once(" on ")
        .and_then(|(_, at)| at.rsplit_once('.'))
        .map(|(_, field)| dialtime::__private::camel_case(field.trim()));
    let wanted = reason
        .split_once("rust type `")
        .and_then(|(_, rest)| rest.split_once('`'))
        .map(|(rust, _)| js_type_of_rust(rust));
    // An `Either` (`rootCertificatesPem`: a string or strings) lists its types instead.
    let either: Option<Vec<&str>> = reason
        .split_once("none of these types")
        .map(|(_, rest)| rest.split('`').skip(1).step_by(2).collect());
    if let (Some(key), Some(types)) = (&key, either) {
        let wanted = match types.as_slice() {
            ["String", array] if array.starts_with("Array") || array.starts_with("Vec") => {
                "a string or an array of strings".to_owned()
            }
            other => other
                .iter()
                .map(|t| js_type_of_rust(t))
                .collect::<Vec<_>>()
                .join(" or "),
        };
        let value = obj.get_named_property::<Unknown<'_>>(key);
        let got = match &value {
            Ok(v) if v.is_array().unwrap_or(false) => "an array holding something else",
            Ok(v) => v.get_type().map_or("something else", type_name),
            Err(_) => "something else",
        };
        return type_error(
            env,
            &format!("`{key}` in {what} must be {wanted}, got {got}"),
        );
    }
    let message = match (key, wanted) {
        (Some(key), Some(wanted)) => {
            let got = obj
                .get_named_property::<Unknown<'_>>(&key)
                .and_then(|v| v.get_type())
                .map_or("something else", type_name);
            if matches!(got, "an object" | "a function") && wanted != "an object" {
                // The wrong value is inside it (a header's value in `defaultHeaders`).
                format!("`{key}` in {what} holds a value of the wrong type: each must be {wanted}")
            } else {
                format!("`{key}` in {what} must be {wanted}, got {got}")
            }
        }
        _ => format!("{what}: an option has the wrong type ({reason})"),
    };
    type_error(env, &message)
}

/// What a Rust type napi-rs converts to is in JavaScript.
fn js_type_of_rust(rust: &str) -> &'static str {
    match rust {
        "String" | "&str" => "a string",
        "bool" => "a boolean",
        "f64" | "f32" | "u32" | "i32" | "i64" | "u64" | "u16" | "u8" => "a number",
        r if r.starts_with("Vec") || r.starts_with("Array") => "an array",
        r if r.starts_with("HashMap") || r.starts_with("Record") => "an object",
        _ => "of another type",
    }
}

/// `a string`, `a number`, … : a JavaScript value's type as a message says it.
/// What `value` is when it is an object but not one of names to values (`"a Map"`, `"an
/// array"`, …), which napi-rs would read as its own enumerable properties: a `Map` of
/// headers as none, an array as headers named `0`, `1`, …. `None` for a plain object (or a
/// class instance, a Proxy) and for anything not an object (the conversion names its type).
pub(crate) fn not_plain(env: &Env, value: &Unknown<'_>) -> Result<Option<&'static str>> {
    if value.get_type()? != ValueType::Object {
        return Ok(None);
    }
    // SAFETY: the value's type was just checked.
    let obj: Object<'_> = unsafe { value.cast() }?;
    if obj.is_array()? {
        return Ok(Some("an array"));
    }
    if obj.is_date()? {
        return Ok(Some("a Date"));
    }
    if obj.is_promise()? {
        return Ok(Some("a Promise"));
    }
    if obj.is_typedarray()? || obj.is_arraybuffer()? || obj.is_dataview()? {
        return Ok(Some("binary data"));
    }
    let global = env.get_global()?;
    for (name, shown) in [
        ("Map", "a Map"),
        ("Set", "a Set"),
        ("WeakMap", "a WeakMap"),
        ("WeakSet", "a WeakSet"),
    ] {
        let class: Unknown<'_> = global.get_named_property(name)?;
        if class.get_type()? == ValueType::Function && obj.instanceof(class)? {
            return Ok(Some(shown));
        }
    }
    Ok(None)
}

/// dialtime's environment variables as `process.env` has them (`DIALTIME_TOKEN`, … that are
/// strings), or `None` where `process.env` is not an object (the core then reads the
/// process's environment). On the main thread `process.env` is the process's environment; in
/// a worker thread it is the worker's own copy (`new Worker(file, { env })`, or changed there),
/// which the process's environment, all the core could read, does not follow: a worker given
/// another token called with the process's.
pub(crate) fn process_env(env: &Env) -> Result<Option<Vec<(String, String)>>> {
    let process: Unknown<'_> = env.get_global()?.get_named_property("process")?;
    if process.get_type()? != ValueType::Object {
        return Ok(None);
    }
    // SAFETY (both casts): the value's type was just checked.
    let process: Object<'_> = unsafe { process.cast() }?;
    let vars: Unknown<'_> = process.get_named_property("env")?;
    if vars.get_type()? != ValueType::Object {
        return Ok(None);
    }
    let vars: Object<'_> = unsafe { vars.cast() }?;
    let mut found = Vec::new();
    for name in dialtime::__private::ENV_VARS {
        let value: Unknown<'_> = vars.get_named_property(name)?;
        if value.get_type()? == ValueType::String {
            // SAFETY: the value's type was just checked.
            found.push((name.to_owned(), unsafe { value.cast::<String>() }?));
        }
    }
    Ok(Some(found))
}

pub(crate) fn type_name(t: ValueType) -> &'static str {
    match t {
        ValueType::Undefined => "undefined",
        ValueType::Null => "null",
        ValueType::Boolean => "a boolean",
        ValueType::Number => "a number",
        ValueType::String => "a string",
        ValueType::Symbol => "a symbol",
        ValueType::Object => "an object",
        ValueType::Function => "a function",
        ValueType::External => "an external",
        ValueType::BigInt => "a bigint",
        _ => "an unknown value",
    }
}

/// A string argument (`userId`), or a `TypeError` naming it.
pub(crate) fn string_arg(env: &Env, value: Unknown<'_>, name: &str) -> Result<String> {
    match value.get_type()? {
        ValueType::String => unsafe { value.cast::<String>() },
        other => Err(type_error(
            env,
            &format!("{name} must be a string, got {}", type_name(other)),
        )),
    }
}

/// A number argument (`groupId`), or a `TypeError` naming it (the core checks its value).
pub(crate) fn number_arg(env: &Env, value: Unknown<'_>, name: &str) -> Result<f64> {
    match value.get_type()? {
        ValueType::Number => unsafe { value.cast::<f64>() },
        other => Err(type_error(
            env,
            &format!("{name} must be a number, got {}", type_name(other)),
        )),
    }
}

/// A payload argument (`group`, `changes`): an object, or a `TypeError` naming it (a missing
/// one was reported as `$: must be a JSON object, got null`). What the object holds is the
/// core's to check: a `ValidationError` with paths.
pub(crate) fn object_arg<'a>(env: &Env, value: Unknown<'a>, name: &str) -> Result<Unknown<'a>> {
    match value.get_type()? {
        ValueType::Object => Ok(value),
        other => Err(type_error(
            env,
            &format!("{name} must be an object, got {}", type_name(other)),
        )),
    }
}

/// `client` recording its successful answers into `recorder`, when one is given.
pub(crate) fn recording(
    client: dialtime::Result<dialtime::Client>,
    recorder: Option<dialtime::ResponseRecorder>,
) -> dialtime::Result<dialtime::Client> {
    match recorder {
        Some(r) => client.map(|c| c.recording(&r)),
        None => client,
    }
}

/// Throws a JavaScript `TypeError` (not napi's generic `Error`); the returned error tells
/// napi-rs an exception is pending.
pub(crate) fn type_error(env: &Env, message: &str) -> napi::Error {
    match env.throw_type_error(message, None) {
        Ok(()) => napi::Error::from_status(Status::PendingException),
        Err(e) => e,
    }
}

/// [`type_error`] with `cause`: the exception pending now (taken), what a user's code threw
/// (a getter of a signal; at the JS stack limit, the `RangeError` itself).
pub(crate) fn type_error_from_thrown(env: &Env, message: &str) -> napi::Error {
    let raw = env.raw();
    let thrown = crate::call::take_pending(env).unwrap_or(std::ptr::null_mut());
    let mut text = std::ptr::null_mut();
    let mut error = std::ptr::null_mut();
    // SAFETY (every napi call): a valid env on its own thread, values made in it.
    unsafe {
        let made = napi::sys::napi_create_string_utf8(
            raw,
            message.as_ptr().cast(),
            message.len() as isize,
            &mut text,
        ) == napi::sys::Status::napi_ok
            && napi::sys::napi_create_type_error(raw, std::ptr::null_mut(), text, &mut error)
                == napi::sys::Status::napi_ok;
        if !made {
            // Out of stack or memory: what was thrown is the answer.
            if !thrown.is_null() {
                napi::sys::napi_throw(raw, thrown);
                return napi::Error::from_status(Status::PendingException);
            }
            return type_error(env, message);
        }
        if !thrown.is_null() {
            // Not enumerable, as the `cause` of `new TypeError(message, { cause })`.
            let cause = napi::sys::napi_property_descriptor {
                utf8name: c"cause".as_ptr(),
                name: std::ptr::null_mut(),
                method: None,
                getter: None,
                setter: None,
                value: thrown,
                attributes: napi::sys::PropertyAttributes::writable
                    | napi::sys::PropertyAttributes::configurable,
                data: std::ptr::null_mut(),
            };
            napi::sys::napi_define_properties(raw, error, 1, &cause);
            // Setting it may itself have thrown (the stack limit): the TypeError stands.
            let _ = crate::call::take_pending(env);
        }
        napi::sys::napi_throw(raw, error);
    }
    napi::Error::from_status(Status::PendingException)
}

/// `new Client(options)`; every option defaults from the environment or the core.
#[napi(object)]
#[derive(Default)]
pub struct ClientOptions {
    /// Default: `DIALTIME_TOKEN`.
    pub token: Option<String>,
    /// Default: `DIALTIME_BASE_URL`, else the platform's public URL.
    pub base_url: Option<String>,
    /// The longest one attempt may take, in milliseconds. Default 30000.
    pub timeout_ms: Option<f64>,
    /// The longest connecting may take, in milliseconds. Default 10000.
    pub connect_timeout_ms: Option<f64>,
    /// The longest a whole call may take (attempts, backoff, Retry-After waits), in
    /// milliseconds. Default: none.
    pub deadline_ms: Option<f64>,
    /// Retries of failures that are safe to retry. Default 2.
    pub max_retries: Option<f64>,
    /// Extra root certificates (PEM), e.g. an on-premises CA: at most 256 texts, 8 MiB in all.
    pub root_certificates_pem: Option<Either<String, Vec<String>>>,
    /// Trust only `rootCertificatesPem`, not the built-in roots. Default false.
    pub trust_only_root_certificates: Option<bool>,
    /// Send every request through this proxy (`http://host:port`), loopback included.
    pub proxy: Option<String>,
    /// Ignore `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY` / `NO_PROXY`. Default false.
    pub ignore_env_proxy: Option<bool>,
    /// Headers sent with every request (e.g. a tenant header): an object, or [name, value]
    /// pairs (a `Map`, a `Headers`, an array of pairs; index.js reads them as an object).
    #[napi(ts_type = "Record<string, string> | Iterable<readonly [string, string]>")]
    pub default_headers: Option<HashMap<String, String>>,
    /// Appended to the user agent: `dialtime/<v> (node) <suffix>`.
    pub user_agent_suffix: Option<String>,
}

/// The keys of [`ClientOptions`], as JavaScript spells them.
pub(crate) const CLIENT_OPTIONS: [&str; 13] = [
    "logger",
    "token",
    "baseUrl",
    "timeoutMs",
    "connectTimeoutMs",
    "deadlineMs",
    "maxRetries",
    "rootCertificatesPem",
    "trustOnlyRootCertificates",
    "proxy",
    "ignoreEnvProxy",
    "defaultHeaders",
    "userAgentSuffix",
];

fn retries(n: f64) -> dialtime::Result<u32> {
    retries_from_number("maxRetries", n)
}

impl ClientOptions {
    /// The core's builder for these options, and `defaultHeaders` and `rootCertificatesPem` as
    /// [`read_client_options`] read them (the fields themselves are for the declarations: the
    /// copy converted holds neither).
    pub(crate) fn builder(
        self,
        headers: Option<Vec<(String, String)>>,
        roots: Option<Vec<String>>,
    ) -> dialtime::Result<dialtime::ClientBuilder> {
        let mut b = dialtime::__private::with_camel_case_options(
            dialtime::__private::with_binding(dialtime::Client::builder(), "node"),
        );
        if let Some(v) = self.token {
            b = b.token(v);
        }
        if let Some(v) = self.base_url {
            b = b.base_url(v);
        }
        if let Some(ms) = self.timeout_ms {
            b = b.timeout(timeout_from_millis("timeoutMs", ms)?);
        }
        if let Some(ms) = self.connect_timeout_ms {
            b = b.connect_timeout(timeout_from_millis("connectTimeoutMs", ms)?);
        }
        if let Some(ms) = self.deadline_ms {
            b = b.deadline(timeout_from_millis("deadlineMs", ms)?);
        }
        if let Some(n) = self.max_retries {
            b = b.max_retries(retries(n)?);
        }
        for pem in roots.into_iter().flatten() {
            b = b.root_certificate_pem(pem);
        }
        if let Some(v) = self.trust_only_root_certificates {
            b = b.trust_only_root_certificates(v);
        }
        if let Some(v) = self.proxy {
            b = b.proxy(v);
        }
        if let Some(v) = self.ignore_env_proxy {
            b = b.ignore_env_proxy(v);
        }
        // In the order given: of two names differing in case, the core keeps the last.
        for (name, value) in headers.into_iter().flatten() {
            b = b.default_header(name, value);
        }
        if let Some(v) = self.user_agent_suffix {
            b = b.user_agent_suffix(v);
        }
        Ok(b)
    }
}

/// Per-call overrides, the last argument of `create`, `update` and `ensure` (and part of
/// the options of `list`, `listAll` and `delete`).
#[napi(object)]
#[derive(Default)]
pub struct RequestOptions {
    /// The longest one attempt of this call may take, in milliseconds.
    pub timeout_ms: Option<f64>,
    /// The longest this whole call may take, in milliseconds.
    pub deadline_ms: Option<f64>,
    /// How often this call may be retried.
    pub max_retries: Option<f64>,
}

/// The keys of [`RequestOptions`].
pub(crate) const REQUEST_OPTIONS: [&str; 5] = [
    "timeoutMs",
    "deadlineMs",
    "maxRetries",
    "signal",
    "recorder",
];

/// `client` with a call's overrides (itself when none is set: no copy on the common path).
pub(crate) fn per_call(
    client: &dialtime::Client,
    timeout_ms: Option<f64>,
    deadline_ms: Option<f64>,
    max_retries: Option<f64>,
) -> dialtime::Result<dialtime::Client> {
    if timeout_ms.is_none() && deadline_ms.is_none() && max_retries.is_none() {
        return Ok(client.clone());
    }
    let mut o = dialtime::RequestOptions::new();
    if let Some(ms) = timeout_ms {
        o = o.timeout(timeout_from_millis("timeoutMs", ms)?);
    }
    if let Some(ms) = deadline_ms {
        o = o.deadline(timeout_from_millis("deadlineMs", ms)?);
    }
    if let Some(n) = max_retries {
        o = o.max_retries(retries(n)?);
    }
    client.with_options(&o)
}

impl RequestOptions {
    pub(crate) fn apply(&self, client: &dialtime::Client) -> dialtime::Result<dialtime::Client> {
        per_call(client, self.timeout_ms, self.deadline_ms, self.max_retries)
    }
}
