//! The one way an async method runs: the core future on napi's runtime, its outcome turned
//! into a value or an error class instance on the JavaScript thread. A panic anywhere (in the
//! future, or in the conversion on the JS thread) rejects the promise with a `DialtimeError`
//! instead of aborting the process or surfacing as napi's bare "Panic in async function".

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};

use futures_util::FutureExt;
use napi::bindgen_prelude::*;

use crate::error;

/// A promise of `convert(outcome)`, where `work` yields the core's `Result`.
pub(crate) fn promise<'env, T, V, F, C>(
    env: &'env Env,
    work: F,
    convert: C,
) -> Result<PromiseRaw<'env, V>>
where
    T: Send + 'static,
    V: ToNapiValue,
    F: Future<Output = dialtime::Result<T>> + Send + 'static,
    C: FnOnce(T) -> V + 'static,
{
    env.spawn_future_with_callback(
        // Never an Err for napi: the outcome is carried as a value to the JS thread.
        async move { Ok(AssertUnwindSafe(work).catch_unwind().await) },
        move |env, caught| {
            let outcome = match caught {
                Ok(outcome) => outcome,
                Err(_) => return Err(error::panicked(env)),
            };
            match outcome {
                Ok(value) => catch_unwind(AssertUnwindSafe(|| convert(value)))
                    .map_err(|_| error::panicked(env)),
                Err(e) => Err(error::to_js(env, &e)),
            }
        },
    )
}

/// Runs the synchronous part of an export behind the panic boundary: a panic becomes a thrown
/// `DialtimeError`.
pub(crate) fn guard<T>(env: &Env, f: impl FnOnce() -> Result<T>) -> Result<T> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| Err(error::panicked(env)))
}
