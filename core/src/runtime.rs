//! The one tokio runtime that dialtime creates, lazily, for callers that are not async
//! themselves: the blocking client, and bindings bridging to their own event loops.
//! The async [`crate::Client`] never creates a runtime: it runs on the caller's.

use std::future::Future;
use std::sync::OnceLock;

use tokio::runtime::{Handle, Runtime};

use crate::error::{Error, Result};

static RUNTIME: OnceLock<Runtime> = OnceLock::new();

/// The shared multi-threaded runtime, created on first use.
pub fn shared() -> Result<&'static Runtime> {
    if let Some(rt) = RUNTIME.get() {
        return Ok(rt);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("dialtime-rt")
        .enable_all()
        .build()
        .map_err(|e| Error::config(format!("cannot start the dialtime runtime: {e}")))?;
    // Another thread may have won the race; its runtime is kept and ours dropped.
    let _ = RUNTIME.set(rt);
    RUNTIME
        .get()
        .ok_or_else(|| Error::config("the dialtime runtime is unavailable"))
}

/// Runs `fut` to completion on the shared runtime, from synchronous code. Refuses (with a
/// `Config` error, never a panic or deadlock) when called from inside an async runtime.
pub fn block_on<F: Future>(fut: F) -> Result<F::Output> {
    if Handle::try_current().is_ok() {
        return Err(Error::config(
            "the blocking client cannot be used inside an async runtime \
             (it would block the runtime's thread); use dialtime::Client and .await instead",
        ));
    }
    Ok(shared()?.block_on(fut))
}
