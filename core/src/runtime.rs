//! The one tokio runtime that dialtime creates, lazily, for callers that are not async
//! themselves: the blocking client, and bindings bridging to their own event loops.
//! The async [`crate::Client`] never creates a runtime: it runs on the caller's.
//!
//! Fork-safe: a process forked after the runtime started (multiprocessing's `fork`, gunicorn
//! `--preload`, celery prefork) has none of its worker threads, so the child gets a fresh
//! runtime on first use. The parent's copy is never dropped in the child (its threads do not
//! exist there, and its I/O registrations live in an epoll instance shared with the parent).

use std::future::Future;
use std::sync::atomic::{AtomicPtr, Ordering};

use tokio::runtime::{Handle, Runtime};

use crate::error::{Error, Result};

/// A runtime and the fork generation it was made in.
struct Slot {
    generation: u64,
    runtime: Runtime,
}

/// The current slot: NULL, or leaked from a `Box` and never freed.
static CURRENT: AtomicPtr<Slot> = AtomicPtr::new(std::ptr::null_mut());

fn current() -> Option<&'static Slot> {
    // SAFETY: CURRENT is NULL or a pointer from `Box::into_raw` that is never freed.
    unsafe { CURRENT.load(Ordering::Acquire).as_ref() }
}

/// The shared multi-threaded runtime, created on first use (and again in a forked child).
pub fn shared() -> Result<&'static Runtime> {
    let generation = fork::generation();
    loop {
        let seen = current();
        if let Some(slot) = seen.filter(|s| s.generation == generation) {
            return Ok(&slot.runtime);
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("dialtime-rt")
            .on_thread_start(block_sigpipe_on_this_thread)
            .enable_all()
            .build()
            .map_err(|e| Error::config(format!("cannot start the dialtime runtime: {e}")))?;
        let fresh = Box::into_raw(Box::new(Slot {
            generation,
            runtime,
        }));
        let expected = seen.map_or(std::ptr::null_mut(), |s| std::ptr::from_ref(s).cast_mut());
        match CURRENT.compare_exchange(expected, fresh, Ordering::AcqRel, Ordering::Acquire) {
            // The slot replaced (a parent's, in a forked child) stays leaked on purpose.
            // SAFETY: `fresh` came from Box::into_raw just above and is never freed.
            Ok(_) => return Ok(unsafe { &(*fresh).runtime }),
            Err(_) => {
                // Another thread won the race: use its runtime, stop ours without waiting.
                // SAFETY: `fresh` was never shared.
                let ours = unsafe { Box::from_raw(fresh) };
                ours.runtime.shutdown_background();
            }
        }
    }
}

/// Makes a write to a closed socket on this thread fail with `EPIPE` instead of raising
/// `SIGPIPE`, which kills a C or C++ host by default (Rust, Python and Node ignore it, C does
/// not). Every thread dialtime starts calls it; the signal is blocked, never handled, so the
/// host's own disposition of SIGPIPE is untouched.
#[doc(hidden)]
pub fn block_sigpipe_on_this_thread() {
    #[cfg(unix)]
    // SAFETY: only this thread's signal mask changes, through a fully initialized set.
    unsafe {
        let mut set = std::mem::MaybeUninit::<libc::sigset_t>::uninit();
        if libc::sigemptyset(set.as_mut_ptr()) == 0
            && libc::sigaddset(set.as_mut_ptr(), libc::SIGPIPE) == 0
        {
            libc::pthread_sigmask(libc::SIG_BLOCK, set.as_ptr(), std::ptr::null_mut());
        }
    }
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

/// Which process (in a chain of forks) this is: 0 in the process that loaded dialtime, one
/// more in each forked child. Whatever was made in another generation (the runtime, a
/// connection pool) is not used, and not dropped.
pub(crate) mod fork {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Once;

    static GENERATION: AtomicU64 = AtomicU64::new(0);
    static HOOK: Once = Once::new();

    #[cfg(unix)]
    extern "C" fn in_child() {
        GENERATION.fetch_add(1, Ordering::AcqRel);
    }

    /// The current generation; registers the fork hook on first use (nothing made before
    /// that can be stale).
    pub(crate) fn generation() -> u64 {
        HOOK.call_once(|| {
            #[cfg(unix)]
            // SAFETY: registers a child handler that only bumps an atomic (async-signal-safe).
            unsafe {
                libc::pthread_atfork(None, None, Some(in_child));
            }
        });
        GENERATION.load(Ordering::Acquire)
    }
}
