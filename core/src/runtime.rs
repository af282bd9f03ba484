//! The one tokio runtime that dialtime creates, lazily, for callers that are not async
//! themselves: the blocking client, and bindings bridging to their own event loops.
//! The async [`crate::Client`] never creates a runtime: it runs on the caller's.
//!
//! It is a current-thread runtime, and whoever waits drives it:
//!
//! - A blocking call ([`block_on`]) with nothing else in flight drives the runtime on the
//!   caller's own thread: the request, the connection task, the I/O and the decoding all run
//!   there, so a sequential call makes no thread hand-off at all (reqwest's blocking client
//!   makes two: to its runtime thread and back). Before returning it lets the connection
//!   settle back into the pool, so the next call reuses it. A blocking call made while
//!   others are in flight (many threads, or an event loop's calls) is spawned where those
//!   are driven and waited for, as reqwest does: threads never contend for the runtime.
//! - Work spawned for an event loop ([`spawn`]: asyncio futures, Node promises) needs a
//!   driver while its caller goes on, so a dedicated thread drives the runtime whenever no
//!   blocking call does. It steps aside as soon as a blocking caller arrives, and takes
//!   over again when spawned work is waiting or, for the pool's housekeeping (idle
//!   connections a server closed), after [`IDLE_RECLAIM`] without a blocking call.
//!
//! A blocking caller's thread runs dialtime's socket writes, so [`block_on`] blocks SIGPIPE
//! on it for the call's duration (a C host dies of it by default) and leaves the thread's
//! mask as it found it.
//!
//! Fork-safe: a process forked after the runtime started (multiprocessing's `fork`, gunicorn
//! `--preload`, celery prefork) has no driver thread, so the child gets a fresh runtime on
//! first use. The parent's is never dropped in the child (its thread does not exist there,
//! and its I/O registrations live in an epoll instance shared with the parent).

use std::future::Future;
use std::panic::{resume_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64, AtomicUsize, Ordering::SeqCst};
use std::time::Duration;

use futures_util::FutureExt;
use tokio::runtime::{Handle, Runtime};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use crate::error::{Error, Result};

/// How long the driver thread leaves the runtime alone after the last blocking call, when no
/// spawned work waits: long enough that a loop of blocking calls never hands the runtime
/// back and forth, short enough that idle connections are looked after.
pub const IDLE_RECLAIM: Duration = Duration::from_millis(20);

/// The runtime of one fork generation and who drives it.
struct Slot {
    generation: u64,
    runtime: Runtime,
    /// Blocking callers driving the runtime on their own thread (0 or 1).
    callers: AtomicUsize,
    /// Spawned tasks not finished yet.
    tasks: AtomicUsize,
    /// Blocking calls finished so far: the driver thread sees from it whether one came by.
    calls: AtomicU64,
    /// Whether the driver thread drives (or is about to).
    driving: AtomicBool,
    /// Tells the driver thread to step aside.
    step_aside: Notify,
    /// The driver thread, to wake it when spawned work needs a driver.
    driver: std::thread::Thread,
}

/// The current slot: NULL, or leaked from a `Box` and never freed.
static CURRENT: AtomicPtr<Slot> = AtomicPtr::new(std::ptr::null_mut());

fn current() -> Option<&'static Slot> {
    // SAFETY: CURRENT is NULL or a pointer from `Box::into_raw` that is never freed.
    unsafe { CURRENT.load(std::sync::atomic::Ordering::Acquire).as_ref() }
}

impl Slot {
    fn new(generation: u64, driver: std::thread::Thread) -> Result<Slot> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(unavailable)?;
        Ok(Slot {
            generation,
            runtime,
            callers: AtomicUsize::new(0),
            tasks: AtomicUsize::new(0),
            calls: AtomicU64::new(0),
            driving: AtomicBool::new(false),
            step_aside: Notify::new(),
            driver,
        })
    }

    /// The driver thread's life: drive while no blocking caller does, step aside when one
    /// comes, take over again when spawned work waits or the blocking callers went quiet.
    fn drive(&'static self) -> ! {
        block_sigpipe_on_this_thread();
        loop {
            // Announced before the callers are counted, as a caller counts itself before
            // looking at `driving` (both SeqCst): a caller arriving meanwhile is seen here,
            // or it sees `driving` and asks the driver to step aside.
            self.driving.store(true, SeqCst);
            if self.callers.load(SeqCst) == 0 {
                self.runtime.block_on(self.step_aside.notified());
            }
            self.driving.store(false, SeqCst);
            loop {
                let calls = self.calls.load(SeqCst);
                if self.callers.load(SeqCst) == 0 && self.tasks.load(SeqCst) > 0 {
                    break;
                }
                std::thread::park_timeout(IDLE_RECLAIM);
                if self.callers.load(SeqCst) == 0 && self.calls.load(SeqCst) == calls {
                    break;
                }
            }
        }
    }

    /// Wakes the driver thread if spawned work may be waiting with nobody driving.
    fn wake_driver_if_needed(&self) {
        if !self.driving.load(SeqCst) && self.callers.load(SeqCst) == 0 {
            self.driver.unpark();
        }
    }
}

fn unavailable(e: std::io::Error) -> Error {
    Error::config(format!("cannot start the dialtime runtime: {e}"))
}

/// The shared runtime, started on first use (and again in a forked child).
fn slot() -> Result<&'static Slot> {
    let generation = fork::generation();
    loop {
        let seen = current();
        if let Some(slot) = seen.filter(|s| s.generation == generation) {
            return Ok(slot);
        }
        // The driver thread starts first and waits to learn whether its slot won.
        let (won, won_rx) = std::sync::mpsc::sync_channel::<&'static Slot>(1);
        let driver = std::thread::Builder::new()
            .name("dialtime-rt".into())
            .spawn(move || {
                if let Ok(slot) = won_rx.recv() {
                    slot.drive();
                }
            })
            .map_err(unavailable)?;
        let fresh = Box::into_raw(Box::new(Slot::new(generation, driver.thread().clone())?));
        let expected = seen.map_or(std::ptr::null_mut(), |s| std::ptr::from_ref(s).cast_mut());
        match CURRENT.compare_exchange(expected, fresh, SeqCst, SeqCst) {
            Ok(_) => {
                // The slot replaced (a parent's, in a forked child) stays leaked on purpose.
                // SAFETY: `fresh` came from Box::into_raw just above and is never freed.
                let slot: &'static Slot = unsafe { &*fresh };
                let _ = won.send(slot);
                return Ok(slot);
            }
            Err(_) => {
                // Another thread won the race: use its runtime; our driver thread ends (its
                // sender is dropped unsent).
                // SAFETY: `fresh` was never shared.
                drop(unsafe { Box::from_raw(fresh) });
            }
        }
    }
}

/// The handle of the shared runtime, started on first use (and again in a forked child).
/// Spawn through [`spawn`], which makes sure the work is driven.
pub fn handle() -> Result<&'static Handle> {
    Ok(slot()?.runtime.handle())
}

/// Spawns `fut` on the shared runtime, for a caller that does not wait for it (an event
/// loop's future or promise): the driver thread takes the runtime over if no blocking call
/// is driving it.
pub fn spawn<F>(fut: F) -> Result<JoinHandle<F::Output>>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    struct Finished(&'static Slot);
    impl Drop for Finished {
        fn drop(&mut self) {
            self.0.tasks.fetch_sub(1, SeqCst);
        }
    }
    let slot = slot()?;
    slot.tasks.fetch_add(1, SeqCst);
    // Counted until the task ends, is aborted or is dropped with the runtime.
    let finished = Finished(slot);
    let task = slot.runtime.spawn(async move {
        let _finished = finished;
        fut.await
    });
    slot.wake_driver_if_needed();
    Ok(task)
}

/// Runs `fut` on the shared runtime and returns its output, from synchronous code: on this
/// thread when nothing else is in flight (the sequential case: no thread hand-off), else on
/// the thread already driving the others (two hand-offs, no contention for the runtime).
/// Refuses (with a `Config` error, never a panic or deadlock) when called from inside an
/// async runtime. A panic in `fut` is resumed here, on the caller's thread, where the
/// bindings' panic boundaries catch it.
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
    let slot = slot()?;
    let alone =
        slot.tasks.load(SeqCst) == 0 && slot.callers.compare_exchange(0, 1, SeqCst, SeqCst).is_ok();
    let outcome = if alone {
        drive_here(slot, fut)
    } else {
        hand_over(fut)?
    };
    match outcome {
        Ok(output) => Ok(output),
        Err(panic) => resume_unwind(panic),
    }
}

type Caught<T> = std::thread::Result<T>;

/// The caller drives the runtime on its own thread (it is counted in `callers`, at most one).
fn drive_here<F: Future>(slot: &'static Slot, fut: F) -> Caught<F::Output> {
    /// Out: spawned work that arrived meanwhile goes to the driver thread.
    struct Caller(&'static Slot);
    impl Drop for Caller {
        fn drop(&mut self) {
            let slot = self.0;
            slot.calls.fetch_add(1, SeqCst);
            slot.callers.fetch_sub(1, SeqCst);
            if slot.tasks.load(SeqCst) > 0 {
                slot.driver.unpark();
            }
        }
    }
    let _caller = Caller(slot);
    if slot.driving.load(SeqCst) {
        slot.step_aside.notify_one();
    }
    let _sigpipe = SigpipeBlocked::on_this_thread();
    slot.runtime.block_on(async move {
        let outcome = AssertUnwindSafe(fut).catch_unwind().await;
        // The response is in; the connection goes back to the pool in a task of its own
        // (hyper's), already queued: a task queued behind it runs after it, so the next call
        // finds the connection idle instead of opening another.
        let _ = tokio::spawn(async {}).await;
        outcome
    })
}

/// Another call is in flight: `fut` runs where that one is driven, and this thread waits.
fn hand_over<F>(fut: F) -> Result<Caught<F::Output>>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let (done, answer) = tokio::sync::oneshot::channel();
    spawn(async move {
        let _ = done.send(AssertUnwindSafe(fut).catch_unwind().await);
    })?;
    answer
        .blocking_recv()
        .map_err(|_| Error::config("the dialtime runtime stopped before answering"))
}

/// SIGPIPE blocked on this thread until dropped, which also discards a SIGPIPE raised
/// meanwhile (a write to a socket the server closed) before restoring the mask.
struct SigpipeBlocked {
    #[cfg(unix)]
    previous: Option<libc::sigset_t>,
}

impl SigpipeBlocked {
    fn on_this_thread() -> SigpipeBlocked {
        #[cfg(unix)]
        // SAFETY: only this thread's signal mask changes, through fully initialized sets.
        unsafe {
            let mut previous = std::mem::MaybeUninit::<libc::sigset_t>::uninit();
            let blocked = sigpipe_set().is_some_and(|set| {
                libc::pthread_sigmask(libc::SIG_BLOCK, &set, previous.as_mut_ptr()) == 0
            });
            let previous = blocked.then(|| previous.assume_init());
            // Already blocked by the host: nothing to undo.
            let previous = previous.filter(|p| libc::sigismember(p, libc::SIGPIPE) == 0);
            SigpipeBlocked { previous }
        }
        #[cfg(not(unix))]
        SigpipeBlocked {}
    }
}

#[cfg(unix)]
fn sigpipe_set() -> Option<libc::sigset_t> {
    // SAFETY: the set is initialized by sigemptyset before it is read.
    unsafe {
        let mut set = std::mem::MaybeUninit::<libc::sigset_t>::uninit();
        (libc::sigemptyset(set.as_mut_ptr()) == 0
            && libc::sigaddset(set.as_mut_ptr(), libc::SIGPIPE) == 0)
            .then(|| set.assume_init())
    }
}

impl Drop for SigpipeBlocked {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let (Some(previous), Some(set)) = (self.previous.as_ref(), sigpipe_set()) {
            // SAFETY: fully initialized sets; only this thread's pending signals and mask.
            unsafe {
                let mut pending = std::mem::MaybeUninit::<libc::sigset_t>::uninit();
                if libc::sigpending(pending.as_mut_ptr()) == 0
                    && libc::sigismember(pending.as_ptr(), libc::SIGPIPE) == 1
                {
                    let zero = libc::timespec {
                        tv_sec: 0,
                        tv_nsec: 0,
                    };
                    libc::sigtimedwait(&set, std::ptr::null_mut(), &zero);
                }
                libc::pthread_sigmask(libc::SIG_SETMASK, previous, std::ptr::null_mut());
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
