//! The one tokio runtime that dialtime creates, lazily, for callers that are not async
//! themselves: the blocking client, and bindings bridging to their own event loops.
//! The async [`crate::Client`] never creates a runtime: it runs on the caller's.
//!
//! Its shape is reqwest's blocking client's: a current-thread runtime driven by one
//! dedicated thread. A blocking call spawns its whole exchange (request, connection task,
//! I/O, retries, decoding) onto that thread and waits for the answer, so a call costs two
//! thread hand-offs (there and back) and the connection is back in the pool before the next
//! call starts. Many callers at once share the thread; the exchange is I/O-bound.
//!
//! Fork-safe: a process forked after the runtime started (multiprocessing's `fork`, gunicorn
//! `--preload`, celery prefork) has no driver thread, so the child gets a fresh runtime on
//! first use. The parent's is never dropped in the child (its thread does not exist there,
//! and its I/O registrations live in an epoll instance shared with the parent).

use std::future::Future;
use std::panic::{resume_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicPtr, Ordering};

use futures_util::FutureExt;
use tokio::runtime::Handle;
use tokio::sync::oneshot;

use crate::error::{Error, Result};

/// The runtime of one fork generation: its handle (the runtime itself lives on its thread).
struct Slot {
    generation: u64,
    handle: Handle,
}

/// The current slot: NULL, or leaked from a `Box` and never freed.
static CURRENT: AtomicPtr<Slot> = AtomicPtr::new(std::ptr::null_mut());

fn current() -> Option<&'static Slot> {
    // SAFETY: CURRENT is NULL or a pointer from `Box::into_raw` that is never freed.
    unsafe { CURRENT.load(Ordering::Acquire).as_ref() }
}

/// Starts a runtime on a thread of its own; `stop` ends the thread (and the runtime).
fn start() -> Result<(Handle, oneshot::Sender<()>)> {
    let unavailable =
        |e: std::io::Error| Error::config(format!("cannot start the dialtime runtime: {e}"));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .thread_name("dialtime-rt-blocking")
        .on_thread_start(block_sigpipe_on_this_thread)
        .enable_all()
        .build()
        .map_err(unavailable)?;
    let handle = runtime.handle().clone();
    let (stop, stopped) = oneshot::channel::<()>();
    std::thread::Builder::new()
        .name("dialtime-rt".into())
        .spawn(move || {
            block_sigpipe_on_this_thread();
            // Runs every spawned task until stopped (never, for the winning runtime).
            let _ = runtime.block_on(stopped);
        })
        .map_err(unavailable)?;
    Ok((handle, stop))
}

/// The handle of the shared runtime, started on first use (and again in a forked child).
pub fn handle() -> Result<&'static Handle> {
    let generation = fork::generation();
    loop {
        let seen = current();
        if let Some(slot) = seen.filter(|s| s.generation == generation) {
            return Ok(&slot.handle);
        }
        let (handle, stop) = start()?;
        let fresh = Box::into_raw(Box::new(Slot { generation, handle }));
        let expected = seen.map_or(std::ptr::null_mut(), |s| std::ptr::from_ref(s).cast_mut());
        match CURRENT.compare_exchange(expected, fresh, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => {
                // Runs for the life of the process: its stop signal is never sent.
                std::mem::forget(stop);
                // The slot replaced (a parent's, in a forked child) stays leaked on purpose.
                // SAFETY: `fresh` came from Box::into_raw just above and is never freed.
                return Ok(unsafe { &(*fresh).handle });
            }
            Err(_) => {
                // Another thread won the race: use its runtime, stop ours.
                // SAFETY: `fresh` was never shared.
                drop(unsafe { Box::from_raw(fresh) });
                let _ = stop.send(());
            }
        }
    }
}

/// Runs `fut` on the shared runtime and waits for its output, from synchronous code. Refuses
/// (with a `Config` error, never a panic or deadlock) when called from inside an async
/// runtime. A panic in `fut` is resumed here, on the caller's thread, where the bindings'
/// panic boundaries catch it.
pub fn block_on<F>(fut: F) -> Result<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    if Handle::try_current().is_ok() {
        return Err(Error::config(
            "the blocking client cannot be used inside an async runtime \
             (it would block the runtime's thread); use dialtime::Client and .await instead",
        ));
    }
    let (done, answer) = oneshot::channel();
    handle()?.spawn(async move {
        let _ = done.send(AssertUnwindSafe(fut).catch_unwind().await);
    });
    match answer.blocking_recv() {
        Ok(Ok(output)) => Ok(output),
        Ok(Err(panic)) => resume_unwind(panic),
        Err(_) => Err(Error::config(
            "the dialtime runtime stopped before answering",
        )),
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
