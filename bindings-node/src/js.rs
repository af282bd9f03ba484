//! What `index.js` hands the addon once, at load time (`register`), kept per Node environment
//! (napi's instance data; worker threads each load their own): the factory of the error
//! classes, the function that makes the saved groups the addon returns, and the one that
//! stringifies payloads. A group is an
//! object literal made by JavaScript: V8 builds it from one template, where napi's
//! `napi_define_properties` (napi-rs objects) looks up every key of every object, which was
//! the largest share of settling a call.

use napi::bindgen_prelude::*;
use napi::sys;
use napi_derive::napi;

use crate::error;

/// What `register` was given.
pub(crate) struct Registered {
    /// `(kind, message, details) => Error`.
    error: crate::refs::RawRef,
    /// `(id, name, user_id, content, is_default, skip_holiday, remark, created_at,
    /// updated_at, created_at_text, updated_at_text) => group`, `content` flat:
    /// `[week, count, begin, end, …]` per day, the dates in milliseconds.
    group: crate::refs::RawRef,
    /// `(payload) => string | undefined`: `JSON.stringify`, throwing for an array longer than
    /// `MAX_ITEMS` (see `stringifyPayload` in index.js).
    pub(crate) stringify: crate::refs::RawRef,
    /// `{ add(signal, fn), remove(signal, fn) }`: one `abort` listener per signal, however
    /// many calls share it (see `abortListeners` in index.js).
    pub(crate) aborts: crate::refs::RawRef,
    /// `(headers) => object`: `defaultHeaders` given as `[name, value]` pairs (a `Map`, a
    /// `Headers`, an array of pairs) as an object of names to values, a `TypeError` for
    /// anything else iterable and past `MAX_ITEMS` pairs; any other object as it is (see
    /// `headerPairs` in index.js).
    pairs: crate::refs::RawRef,
    /// The symbol of the property where an object keeps what it uses (see [`keep`]).
    kept: crate::refs::RawRef,
}

/// Keeps `values` alive for as long as `holder` is, in a property V8 traces (keyed by a
/// symbol of the addon's, not enumerable). The addon itself refers to them weakly: a strong
/// reference from native code is a root, and a logger or an `AbortSignal` that refers back
/// to its client or cursor (`logger: { debug: (m) => this.log(m) }`) kept both alive forever.
pub(crate) fn keep(env: &Env, holder: sys::napi_value, values: &[sys::napi_value]) -> Result<()> {
    let raw = env.raw();
    let key = registered(env)?.kept.value(env);
    let mut list = std::ptr::null_mut();
    // SAFETY (every napi call below): a valid env on its own thread, values made in it.
    check_status!(unsafe { sys::napi_create_array_with_length(raw, values.len(), &mut list) })?;
    for (i, v) in values.iter().enumerate() {
        let i = u32::try_from(i).unwrap_or(u32::MAX);
        check_status!(unsafe { sys::napi_set_element(raw, list, i, *v) })?;
    }
    let property = sys::napi_property_descriptor {
        utf8name: std::ptr::null(),
        name: key,
        method: None,
        getter: None,
        setter: None,
        value: list,
        attributes: sys::PropertyAttributes::default,
        data: std::ptr::null_mut(),
    };
    check_status!(
        unsafe { sys::napi_define_properties(raw, holder, 1, &property) },
        "dialtime: cannot keep the logger or signal on this object (a Client is made with new)"
    )
}

/// Called once by `index.js` with its `fromNative`, `makeGroup`, `stringifyPayload`,
/// `abortListeners` and `headerPairs`;
/// returns the most items an array of a payload may have (`MAX_ITEMS`), the most values a
/// payload may hold in all (`MAX_VALUES`) and the most text (`MAX_TEXT`).
#[napi(skip_typescript, catch_unwind)]
pub fn register(
    env: Env,
    error: Function<error::Args, Unknown<'static>>,
    group: Function<(), Unknown<'static>>,
    stringify: Function<(), Unknown<'static>>,
    aborts: Object<'_>,
    pairs: Function<(), Unknown<'static>>,
) -> Result<[u32; 3]> {
    let mut kept = std::ptr::null_mut();
    let description = env.create_string("dialtime.kept")?;
    // SAFETY: a valid env on its own thread and a string of it.
    check_status!(unsafe { sys::napi_create_symbol(env.raw(), description.raw(), &mut kept) })?;
    // Plain references, not napi-rs's `FunctionRef`s: those are left undeleted when their
    // environment ends (napi-rs drops them after its own teardown hook), these are reclaimed
    // with the environment's other references (see refs.rs).
    let registered = Registered {
        error: crate::refs::RawRef::new(&env, error.raw())?,
        group: crate::refs::RawRef::new(&env, group.raw())?,
        stringify: crate::refs::RawRef::new(&env, stringify.raw())?,
        aborts: crate::refs::RawRef::new(&env, aborts.raw())?,
        pairs: crate::refs::RawRef::new(&env, pairs.raw())?,
        kept: crate::refs::RawRef::new(&env, kept)?,
    };
    env.set_instance_data(registered, (), |_| {})?;
    let limit = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Ok([
        limit(dialtime::__private::MAX_ITEMS),
        limit(dialtime::__private::MAX_VALUES),
        limit(dialtime::__private::MAX_TEXT),
    ])
}

impl Registered {
    /// The factory of the error classes, `(kind, message, details) => Error` (on the JS
    /// thread; called raw by `error.rs`).
    pub(crate) fn error_factory(&self, env: &Env) -> sys::napi_value {
        self.error.value(env)
    }
}

/// `headers`, an object, as an object of names to values: its pairs when it is iterable (a
/// `Map`, a `Headers`, an array of pairs), by index.js's `headerPairs`; what that throws stays
/// pending (`PendingException`).
pub(crate) fn header_pairs<'v>(env: &'v Env, headers: Unknown<'_>) -> Result<Unknown<'v>> {
    let pairs = registered(env)?.pairs.value(env);
    let mut this = std::ptr::null_mut();
    let mut out = std::ptr::null_mut();
    // SAFETY: a valid env on its own thread; the function and `headers` are values of it.
    let status = unsafe {
        sys::napi_get_undefined(env.raw(), &mut this);
        sys::napi_call_function(env.raw(), this, pairs, 1, &headers.raw(), &mut out)
    };
    check_status!(status)?;
    // SAFETY: a value napi just returned in this env.
    Ok(unsafe { Unknown::from_raw_unchecked(env.raw(), out) })
}

/// This environment's registration.
pub(crate) fn registered(env: &Env) -> Result<&Registered> {
    env.get_instance_data::<Registered>()?
        .map(|r| &*r)
        .ok_or_else(|| {
            napi::Error::from_reason(
                "dialtime: load the addon through its package (require('dialtime')): index.js \
                 registers the error classes and the maker of saved groups",
            )
        })
}

/// A saved group as a JavaScript object, made by `makeGroup` (see the module doc).
pub(crate) fn group(env: sys::napi_env, g: crate::model::DialTimeGroup) -> Result<sys::napi_value> {
    let js = Env::from_raw(env);
    let make = registered(&js)?.group.value(&js);
    let len: usize = g.content.iter().map(|d| 2 + 2 * d.times.len()).sum();
    let mut content = std::ptr::null_mut();
    // SAFETY (every napi call below): a valid env on its own thread, values made in it.
    check_status!(unsafe { sys::napi_create_array_with_length(env, len, &mut content) })?;
    let mut at = 0u32;
    let mut push = |value: sys::napi_value| -> Result<()> {
        check_status!(unsafe { sys::napi_set_element(env, content, at, value) })?;
        at += 1;
        Ok(())
    };
    for day in g.content {
        push(unsafe { u32::to_napi_value(env, u32::from(day.week)) }?)?;
        let count = u32::try_from(day.times.len()).unwrap_or(u32::MAX);
        push(unsafe { u32::to_napi_value(env, count) }?)?;
        for range in day.times {
            push(unsafe { String::to_napi_value(env, range.begin_time) }?)?;
            push(unsafe { String::to_napi_value(env, range.end_time) }?)?;
        }
    }
    let args = unsafe {
        [
            i64::to_napi_value(env, g.id)?,
            String::to_napi_value(env, g.name)?,
            String::to_napi_value(env, g.user_id)?,
            content,
            bool::to_napi_value(env, g.is_default)?,
            bool::to_napi_value(env, g.skip_holiday)?,
            Either::<String, Null>::to_napi_value(env, g.remark)?,
            Either::<f64, Null>::to_napi_value(env, millis(&g.created_at))?,
            Either::<f64, Null>::to_napi_value(env, millis(&g.updated_at))?,
            Either::<String, Null>::to_napi_value(env, g.created_at_text)?,
            Either::<String, Null>::to_napi_value(env, g.updated_at_text)?,
        ]
    };
    let mut undefined = std::ptr::null_mut();
    check_status!(unsafe { sys::napi_get_undefined(env, &mut undefined) })?;
    let mut out = std::ptr::null_mut();
    check_status!(
        unsafe {
            sys::napi_call_function(env, undefined, make, args.len(), args.as_ptr(), &mut out)
        },
        "cannot make the group object"
    )?;
    Ok(out)
}

/// A timestamp's milliseconds since the epoch, or null.
fn millis(t: &Either<crate::model::Date, Null>) -> Either<f64, Null> {
    match t {
        Either::A(d) => Either::A(d.millis()),
        Either::B(_) => Either::B(Null),
    }
}
