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
//!   others are in flight (many threads, or an event loop's calls) is spawned and waited
//!   for, as reqwest does, and the dedicated thread below drives it: threads never contend
//!   for the runtime.
//! - Work spawned for an event loop that has not claimed the runtime ([`spawn`]: asyncio
//!   futures and Node promises of other loops) needs a driver while its caller goes on, so a
//!   dedicated thread drives the runtime whenever no blocking call or claiming loop does. It
//!   steps aside as soon as one arrives, and takes over again when spawned work is waiting
//!   or, for the pool's housekeeping (idle connections a server closed), after
//!   [`IDLE_RECLAIM`] without a blocking call (with a loop watching: [`LOOP_BACKSTOP`] after
//!   its last drive, once).
//!
//! - An event loop that claims the runtime ([`EventLoop`]: the asyncio and Node bridges, one
//!   loop per process at a time) drives it on the loop's own thread, never waiting there for
//!   the network (at most for the driver thread to finish the step it is in): a
//!   call spawns its exchange and runs it until it waits for the network (the request is
//!   written), and the loop watches the reactor's file descriptor, so when the answer
//!   arrives the loop's thread reads it, decodes it and settles the call. No thread hand-off
//!   either way; the driver thread only steps in when the loop leaves work in flight without
//!   driving for [`LOOP_BACKSTOP`] (timers need a thread parked with a deadline), when a
//!   blocking call hands work over, or when the loop stops watching.
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

/// How long the driver thread lets an event loop that watches the reactor leave calls in
/// flight without driving, before it drives them itself: the loop's thread wakes for I/O
/// only, so a timer (a timeout, a pause between retries) fires at most this late, as does
/// work that became ready just as the loop stopped driving.
pub const LOOP_BACKSTOP: Duration = Duration::from_millis(5);

/// The runtime of one fork generation and who drives it.
struct Slot {
    generation: u64,
    runtime: Runtime,
    /// Blocking callers driving the runtime on their own thread: 0 or 1 (2 for a moment when
    /// one comes while another's interrupt check runs; tokio lets both drive in turn).
    callers: AtomicUsize,
    /// Spawned tasks not finished yet.
    tasks: AtomicUsize,
    /// Blocking calls finished so far: the driver thread sees from it whether one came by.
    calls: AtomicU64,
    /// Whether the driver thread drives (or is about to).
    driving: AtomicBool,
    /// Blocking callers waiting for work they handed over: the driver thread drives for them
    /// at once.
    handovers: AtomicUsize,
    /// The reactor's file descriptor (its epoll instance), when it could be told apart: what
    /// an [`EventLoop`] watches. Linux only.
    reactor: Option<i32>,
    /// Whether an [`EventLoop`] has claimed the runtime.
    loop_claimed: AtomicBool,
    /// Whether that loop watches the reactor now (and so drives when it is readable).
    watched: AtomicBool,
    /// Whether the driver thread sleeps with no deadline (a watching loop, nothing in
    /// flight): the first task spawned then wakes it, to keep the backstop's time.
    sleeping: AtomicBool,
    /// Set by an event loop's drive that left work queued that nobody may wake the loop
    /// for: the driver thread drives at once.
    stranded: AtomicBool,
    /// Tells the driver thread to step aside.
    step_aside: Notify,
    /// The driver thread, to wake it when spawned work needs a driver.
    driver: std::thread::Thread,
}

/// The candidate that is the runtime's reactor: not readable while nothing is queued, readable
/// once work is queued from outside (another epoll instance, picked by mistake, would not
/// change).
fn confirmed(runtime: &Runtime, candidates: Vec<i32>) -> Option<i32> {
    let quiet: Vec<i32> = candidates
        .into_iter()
        .filter(|&fd| !event_loop::readable(fd))
        .collect();
    if quiet.is_empty() {
        return None;
    }
    drop(runtime.spawn(async {}));
    quiet.into_iter().find(|&fd| event_loop::readable(fd))
}

/// The current slot: NULL, or leaked from a `Box` and never freed.
static CURRENT: AtomicPtr<Slot> = AtomicPtr::new(std::ptr::null_mut());

fn current() -> Option<&'static Slot> {
    // SAFETY: CURRENT is NULL or a pointer from `Box::into_raw` that is never freed.
    unsafe { CURRENT.load(std::sync::atomic::Ordering::Acquire).as_ref() }
}

impl Slot {
    /// Drives the runtime on this thread until `fut` completes, this thread marked as driving
    /// meanwhile (see [`DRIVING`]).
    fn block_here<F: Future>(&self, fut: F) -> F::Output {
        struct Mark(bool);
        impl Drop for Mark {
            fn drop(&mut self) {
                DRIVING.set(self.0);
            }
        }
        let _restore = Mark(DRIVING.replace(true));
        self.runtime.block_on(fut)
    }

    fn new(generation: u64, driver: std::thread::Thread) -> Result<Slot> {
        let before = reactor::open();
        let runtime = tokio::runtime::Builder::new_current_thread()
            // Its blocking pool (name resolution) never raises SIGPIPE either.
            .thread_name("dialtime-rt-blocking")
            .on_thread_start(block_sigpipe_on_this_thread)
            .on_thread_park(event_loop::before_park)
            .enable_all()
            .build()
            .map_err(unavailable)?;
        let reactor = confirmed(&runtime, reactor::find(&runtime, &before));
        Ok(Slot {
            generation,
            runtime,
            callers: AtomicUsize::new(0),
            tasks: AtomicUsize::new(0),
            calls: AtomicU64::new(0),
            driving: AtomicBool::new(false),
            handovers: AtomicUsize::new(0),
            reactor,
            loop_claimed: AtomicBool::new(false),
            watched: AtomicBool::new(false),
            sleeping: AtomicBool::new(false),
            stranded: AtomicBool::new(false),
            step_aside: Notify::new(),
            driver,
        })
    }

    /// The driver thread's life: drive while no blocking caller or event loop does, step
    /// aside when one comes, take over again when work needs a driver.
    fn drive(&'static self) -> ! {
        block_sigpipe_on_this_thread();
        loop {
            // Announced before the callers are counted, as a caller counts itself before
            // looking at `driving` (both SeqCst): a caller arriving meanwhile is seen here,
            // or it sees `driving` and asks the driver to step aside.
            self.driving.store(true, SeqCst);
            self.stranded.store(false, SeqCst);
            if self.callers.load(SeqCst) == 0 {
                self.block_here(self.step_aside.notified());
            } else {
                // The caller that is driving may have asked too: that request is served.
                let _ = self.step_aside.notified().now_or_never();
            }
            self.driving.store(false, SeqCst);
            self.wait_for_work();
        }
    }

    /// Returns when the driver thread should drive again: spawned work nobody else will
    /// drive, a blocking caller waiting for work it handed over, an event loop that left work
    /// in flight and went quiet, or (no loop watching) blocking callers gone quiet, for the
    /// pool's housekeeping.
    fn wait_for_work(&self) {
        // Drives seen so far by the last sweep (below).
        let mut swept = self.calls.load(SeqCst);
        loop {
            let calls = self.calls.load(SeqCst);
            if self.callers.load(SeqCst) == 0 && self.needs_driver() {
                return;
            }
            if self.watched.load(SeqCst) {
                if self.tasks.load(SeqCst) == 0 {
                    if calls != swept {
                        // The loop drove since the last look: what its last drive may have
                        // left queued (events that arrived as it finished, with the
                        // descriptor no longer readable) is run once it has been quiet.
                        std::thread::park_timeout(LOOP_BACKSTOP);
                        if self.callers.load(SeqCst) == 0 && self.calls.load(SeqCst) == calls {
                            self.sweep();
                            swept = calls;
                        }
                        continue;
                    }
                    // Announced before `tasks` is read again, as a task is counted before
                    // `sleeping` is read (both SeqCst): one of the two sees the other.
                    self.sleeping.store(true, SeqCst);
                    if self.tasks.load(SeqCst) == 0 && self.calls.load(SeqCst) == swept {
                        // The loop sees the reactor's events; nothing in flight needs a
                        // timer, nothing was left queued.
                        std::thread::park();
                    }
                    self.sleeping.store(false, SeqCst);
                    continue;
                }
                std::thread::park_timeout(LOOP_BACKSTOP);
                if self.callers.load(SeqCst) == 0
                    && self.calls.load(SeqCst) == calls
                    && self.tasks.load(SeqCst) > 0
                {
                    return;
                }
            } else {
                std::thread::park_timeout(IDLE_RECLAIM);
                if self.callers.load(SeqCst) == 0 && self.calls.load(SeqCst) == calls {
                    return;
                }
            }
        }
    }

    /// Whether work waits that only the driver thread will drive now.
    fn needs_driver(&self) -> bool {
        self.handovers.load(SeqCst) > 0
            || self.stranded.load(SeqCst)
            || (self.tasks.load(SeqCst) > 0 && !self.watched.load(SeqCst))
    }

    /// Runs what is queued and what the reactor has ready, without waiting, unless someone
    /// else drives.
    fn sweep(&self) {
        if self.callers.load(SeqCst) != 0 {
            return;
        }
        self.block_here(async {
            tokio::task::yield_now().await;
            tokio::task::yield_now().await;
        });
        // A sweep runs one batch (the runtime looks at its queue every 61 tasks), and its park
        // took the reactor's wake-up: what is still queued — a garbage collection that dropped
        // a hundred clients queued a connection task each — is stranded, driven by the driver
        // thread at once, as after a loop's last drive. (Their sockets stayed open until the
        // next call or the server's idle timeout.)
        if self.runtime.metrics().global_queue_depth() > 0 {
            self.stranded.store(true, SeqCst);
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
    let slot = slot()?;
    let task = slot.runtime.spawn(counted(slot, fut));
    slot.wake_driver_if_needed();
    Ok(task)
}

/// `fut`, counted in the slot's `tasks` from now until it ends, is aborted or is dropped with
/// the runtime.
fn counted<F: Future>(slot: &'static Slot, fut: F) -> impl Future<Output = F::Output> {
    struct Finished(&'static Slot);
    impl Drop for Finished {
        fn drop(&mut self) {
            self.0.tasks.fetch_sub(1, SeqCst);
        }
    }
    if slot.tasks.fetch_add(1, SeqCst) == 0 && slot.sleeping.load(SeqCst) {
        slot.driver.unpark();
    }
    let finished = Finished(slot);
    async move {
        let _finished = finished;
        fut.await
    }
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
    match Handle::try_current() {
        Ok(_) => {
            return Err(Error::config(
                "the blocking client cannot be used inside an async runtime \
                 (it would block the runtime's thread); use dialtime::Client and .await instead",
            ))
        }
        Err(e) if e.is_thread_local_destroyed() => return on_a_thread_of_its_own(fut),
        Err(_) => {}
    }
    let Ok(interrupt) = INTERRUPT.try_with(|i| i.borrow().clone()) else {
        return on_a_thread_of_its_own(fut);
    };
    let slot = slot()?;
    let alone =
        slot.tasks.load(SeqCst) == 0 && slot.callers.compare_exchange(0, 1, SeqCst, SeqCst).is_ok();
    let outcome = if alone {
        drive_here(slot, fut, interrupt)
    } else {
        hand_over(fut, interrupt)?
    };
    match outcome {
        Some(Ok(output)) => Ok(output),
        Some(Err(panic)) => resume_unwind(panic),
        None => Err(Error::config("the call was interrupted")),
    }
}

thread_local! {
    /// Whether this thread drives the runtime now (a logger may run here). No destructor, so
    /// it can be read while the thread ends, after the thread-locals that have one are gone.
    static DRIVING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// A blocking call from a thread that is ending, its thread-locals (tokio's, dialtime's) gone:
/// a C `atexit` handler or a C++ static destructor (glibc's `exit` destroys the main thread's
/// thread-locals first), another thread-local's destructor. Driving the runtime there would
/// panic, so the call runs on a thread of its own, this one waiting for it.
fn on_a_thread_of_its_own<F>(fut: F) -> Result<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    if DRIVING.get() {
        // This thread holds the runtime (a logger called `exit`, whose handlers call again):
        // a thread of its own would wait for it forever. Inside a call, as anywhere else.
        return Err(Error::config(
            "a blocking call cannot be made while this thread drives dialtime's runtime \
             (from a logger, or an exit handler run by one)",
        ));
    }
    let call = std::thread::Builder::new()
        .name("dialtime-late-call".to_owned())
        .spawn(move || block_on(fut))
        .map_err(|e| {
            Error::config(format!(
                "cannot start a thread for a call made while this one ends: {e}"
            ))
        })?;
    call.join().unwrap_or_else(|panic| resume_unwind(panic))
}

/// Asked by a blocking call whether to give up (see [`interruptible`]).
pub type Interrupt = std::sync::Arc<dyn Fn() -> bool + Send + Sync>;

thread_local! {
    static INTERRUPT: std::cell::RefCell<Option<Interrupt>> = const { std::cell::RefCell::new(None) };
}

/// How often a blocking call asks its [`Interrupt`] (only once it has run that long).
const INTERRUPT_PERIOD: Duration = Duration::from_millis(50);

/// Runs `f`, whose blocking calls on this thread ask `interrupted` every 50 ms while they
/// wait; when it answers `true` the call is abandoned (its request aborted) and fails with a
/// `Config` error, which the caller replaces with its own (Python: the `KeyboardInterrupt`
/// its signal handler raised). A call answered sooner never asks. `interrupted` runs outside
/// the runtime, with the call's thread not driving it: it may make dialtime calls itself, or
/// wait for other threads' calls.
pub fn interruptible<R>(interrupted: Interrupt, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<Interrupt>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            INTERRUPT.with(|i| *i.borrow_mut() = previous);
        }
    }
    let previous = INTERRUPT.with(|i| i.borrow_mut().replace(interrupted));
    let _restore = Restore(previous);
    f()
}

type Caught<T> = std::thread::Result<T>;

/// The caller drives the runtime on its own thread (it is counted in `callers`, at most one).
fn drive_here<F: Future>(
    slot: &'static Slot,
    fut: F,
    interrupt: Option<Interrupt>,
) -> Option<Caught<F::Output>> {
    /// Out: spawned work that arrived meanwhile goes to the driver thread.
    struct Caller(&'static Slot);
    impl Drop for Caller {
        fn drop(&mut self) {
            let slot = self.0;
            slot.calls.fetch_add(1, SeqCst);
            slot.callers.fetch_sub(1, SeqCst);
            if slot.needs_driver() {
                slot.driver.unpark();
            }
        }
    }
    let _caller = Caller(slot);
    if slot.driving.load(SeqCst) {
        slot.step_aside.notify_one();
    }
    drive(slot, fut, interrupt)
}

/// Drives the runtime on this thread until `fut` is done, or (with an [`Interrupt`]) until
/// it answers `true`, asked every [`INTERRUPT_PERIOD`] once the call has run that long. It is
/// asked outside the runtime and with this thread's turn as the caller given up: what it runs
/// (a Python signal handler) may wait for dialtime work of its own (a blocking call, an
/// asyncio loop's call, another thread's call), which is driven elsewhere meanwhile.
fn drive<F: Future>(
    slot: &'static Slot,
    fut: F,
    interrupt: Option<Interrupt>,
) -> Option<Caught<F::Output>> {
    /// The caller's turn given up until dropped: the runtime is the driver thread's (or the
    /// next caller's, or an event loop's) meanwhile.
    struct Aside(&'static Slot);
    impl Aside {
        fn new(slot: &'static Slot) -> Aside {
            slot.callers.fetch_sub(1, SeqCst);
            if slot.needs_driver() {
                slot.driver.unpark();
            }
            Aside(slot)
        }
    }
    impl Drop for Aside {
        fn drop(&mut self) {
            // Counted again (another caller may have come meanwhile: two then share the
            // runtime, tokio polling each one's call on its own thread), and the driver
            // thread steps aside as for a new caller.
            self.0.callers.fetch_add(1, SeqCst);
            if self.0.driving.load(SeqCst) {
                self.0.step_aside.notify_one();
            }
        }
    }
    let _sigpipe = SigpipeBlocked::on_this_thread();
    let mut caught = std::pin::pin!(AssertUnwindSafe(fut).catch_unwind());
    // Nobody drove the runtime since the last call: let it look at the sockets first (the
    // first yield polls the I/O driver, the second runs the tasks it woke), so that a
    // connection the server closed meanwhile is out of the pool before this call picks one
    // (sent on it, a create would fail and could not be retried).
    let look = || async {
        tokio::task::yield_now().await;
        tokio::task::yield_now().await;
    };
    let Some(interrupted) = interrupt else {
        return Some(slot.block_here(async {
            look().await;
            let outcome = caught.await;
            settle().await;
            outcome
        }));
    };
    let mut first = true;
    loop {
        let slice = slot.block_here(async {
            if first {
                look().await;
            }
            let outcome = tokio::time::timeout(INTERRUPT_PERIOD, &mut caught)
                .await
                .ok()?;
            settle().await;
            Some(outcome)
        });
        if slice.is_some() {
            return slice;
        }
        first = false;
        let aside = Aside::new(slot);
        let stop = interrupted();
        drop(aside);
        if stop {
            return None;
        }
    }
}

/// Lets the task hyper returns a finished connection to the pool with run before the caller
/// is answered, so that its next call finds the connection idle instead of opening another:
/// it is woken with the body's end, and a task spawned now runs after the tasks woken so far.
async fn settle() {
    let _ = tokio::spawn(async {}).await;
}

/// Another call is in flight: `fut` runs where that one is driven, and this thread waits.
fn hand_over<F>(fut: F, interrupt: Option<Interrupt>) -> Result<Option<Caught<F::Output>>>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    /// Counted while this thread waits: the driver thread drives for it at once, even when
    /// an event loop watches the reactor (which may be this thread's own loop, blocked here).
    struct Waiting(&'static Slot);
    impl Drop for Waiting {
        fn drop(&mut self) {
            self.0.handovers.fetch_sub(1, SeqCst);
        }
    }
    let slot = slot()?;
    slot.handovers.fetch_add(1, SeqCst);
    let _waiting = Waiting(slot);
    let stopped = || Error::config("the dialtime runtime stopped before answering");
    let Some(interrupted) = interrupt else {
        let (done, answer) = tokio::sync::oneshot::channel();
        spawn(async move {
            let outcome = AssertUnwindSafe(fut).catch_unwind().await;
            settle().await;
            let _ = done.send(outcome);
        })?;
        return answer.blocking_recv().map(Some).map_err(|_| stopped());
    };
    let (done, answer) = std::sync::mpsc::sync_channel(1);
    let task = spawn(async move {
        let outcome = AssertUnwindSafe(fut).catch_unwind().await;
        settle().await;
        let _ = done.send(outcome);
    })?;
    loop {
        match answer.recv_timeout(INTERRUPT_PERIOD) {
            Ok(outcome) => return Ok(Some(outcome)),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return Err(stopped()),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                if interrupted() {
                    task.abort();
                    return Ok(None);
                }
            }
        }
    }
}

/// SIGPIPE blocked on this thread until dropped. A SIGPIPE that became pending meanwhile (a
/// write to a socket the server closed) is discarded, and the signal unblocked again unless
/// the host had blocked it itself. (A process-directed SIGPIPE sent during the call, by
/// `kill`, may be discarded with it.)
struct SigpipeBlocked {
    #[cfg(unix)]
    /// Whether this guard blocked SIGPIPE, and whether one was pending before.
    state: Option<(bool, bool)>,
}

impl SigpipeBlocked {
    /// [`SigpipeBlocked::on_this_thread`], unless the process ignores SIGPIPE (Python and
    /// Node do, unless a program sets it back to its default): then nothing needs blocking,
    /// and one system call replaces four.
    fn unless_ignored() -> SigpipeBlocked {
        #[cfg(unix)]
        {
            let mut action = std::mem::MaybeUninit::<libc::sigaction>::zeroed();
            // SAFETY: reads the disposition only (no new action); `action` is written.
            let ignored = unsafe {
                libc::sigaction(libc::SIGPIPE, std::ptr::null(), action.as_mut_ptr()) == 0
                    && action.assume_init().sa_sigaction == libc::SIG_IGN
            };
            if ignored {
                return SigpipeBlocked { state: None };
            }
        }
        SigpipeBlocked::on_this_thread()
    }

    fn on_this_thread() -> SigpipeBlocked {
        #[cfg(unix)]
        {
            let state = sigpipe_set().and_then(|set| {
                let mut previous = empty_set()?;
                // SAFETY: fully initialized sets; only this thread's signal mask changes.
                let blocked =
                    unsafe { libc::pthread_sigmask(libc::SIG_BLOCK, &set, &mut previous) };
                // SAFETY: `previous` was filled in by pthread_sigmask.
                let we_blocked =
                    blocked == 0 && unsafe { libc::sigismember(&previous, libc::SIGPIPE) } == 0;
                Some((we_blocked, sigpipe_pending()))
            });
            SigpipeBlocked { state }
        }
        #[cfg(not(unix))]
        SigpipeBlocked {}
    }
}

#[cfg(unix)]
fn empty_set() -> Option<libc::sigset_t> {
    let mut set = std::mem::MaybeUninit::<libc::sigset_t>::uninit();
    // SAFETY: sigemptyset initializes the set before it is read.
    unsafe { (libc::sigemptyset(set.as_mut_ptr()) == 0).then(|| set.assume_init()) }
}

#[cfg(unix)]
fn sigpipe_set() -> Option<libc::sigset_t> {
    let mut set = empty_set()?;
    // SAFETY: an initialized set.
    (unsafe { libc::sigaddset(&mut set, libc::SIGPIPE) } == 0).then_some(set)
}

/// Whether a SIGPIPE is pending for this thread (or the process).
#[cfg(unix)]
fn sigpipe_pending() -> bool {
    let Some(mut pending) = empty_set() else {
        return false;
    };
    // SAFETY: an initialized set, filled in by sigpending.
    unsafe {
        libc::sigpending(&mut pending) == 0 && libc::sigismember(&pending, libc::SIGPIPE) == 1
    }
}

impl Drop for SigpipeBlocked {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let (Some((we_blocked, was_pending)), Some(set)) = (self.state, sigpipe_set()) {
            if !was_pending && sigpipe_pending() {
                let mut signal = 0;
                // SAFETY: SIGPIPE is blocked and pending, so sigwait takes it at once.
                unsafe { libc::sigwait(&set, &mut signal) };
            }
            if we_blocked {
                // SAFETY: an initialized set; only this thread's mask changes.
                unsafe { libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut()) };
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

    /// A `Mutex<T>` per fork generation: a child forked while another thread held the lock
    /// (a runtime thread recording an answer or queueing a log record) would find it locked
    /// forever, by a thread the child does not have. The child gets a fresh `T::default()`
    /// on first use instead (what the parent had is the parent's); the parent's is leaked,
    /// as it may be locked.
    pub struct PerFork<T> {
        current: std::sync::atomic::AtomicPtr<Gen<T>>,
        /// Shared across threads as a `Mutex<T>` is: `Send` and `Sync` only for `T: Send`.
        _holds: std::marker::PhantomData<std::sync::Mutex<T>>,
    }

    struct Gen<T> {
        generation: u64,
        value: std::sync::Mutex<T>,
    }

    impl<T: Default> PerFork<T> {
        /// Nothing made yet: the first [`get`](Self::get) makes this generation's.
        pub const fn new() -> PerFork<T> {
            PerFork {
                current: std::sync::atomic::AtomicPtr::new(std::ptr::null_mut()),
                _holds: std::marker::PhantomData,
            }
        }

        /// This generation's lock.
        pub fn get(&self) -> &std::sync::Mutex<T> {
            let generation = generation();
            loop {
                let seen = self.current.load(Ordering::Acquire);
                // SAFETY: NULL or a pointer from Box::into_raw below, freed only by drop.
                if let Some(g) = unsafe { seen.as_ref() } {
                    if g.generation == generation {
                        return &g.value;
                    }
                }
                let fresh = Box::into_raw(Box::new(Gen {
                    generation,
                    value: std::sync::Mutex::new(T::default()),
                }));
                match self.current.compare_exchange(
                    seen,
                    fresh,
                    Ordering::AcqRel,
                    Ordering::Acquire,
                ) {
                    // SAFETY: just published; freed only by drop, which `&self` outlives.
                    Ok(_) => return unsafe { &(*fresh).value },
                    // SAFETY: `fresh` was never shared.
                    Err(_) => drop(unsafe { Box::from_raw(fresh) }),
                }
            }
        }
    }

    impl<T: Default + std::fmt::Debug> std::fmt::Debug for PerFork<T> {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            match self.get().try_lock() {
                Ok(value) => std::fmt::Debug::fmt(&*value, f),
                Err(_) => f.write_str("<in use>"),
            }
        }
    }

    impl<T: Default> Default for PerFork<T> {
        fn default() -> PerFork<T> {
            PerFork::new()
        }
    }

    impl<T> Drop for PerFork<T> {
        /// Frees this generation's value; an earlier generation's (a child that never used
        /// this one drops its parent's) is leaked, as it may be locked or half-updated.
        fn drop(&mut self) {
            let current = *self.current.get_mut();
            // SAFETY: NULL or from Box::into_raw in `get`; `&mut self`: nothing borrows it.
            if unsafe { current.as_ref() }.is_some_and(|g| g.generation == generation()) {
                // SAFETY: as above, and not used again.
                drop(unsafe { Box::from_raw(current) });
            }
        }
    }
}

/// An event loop driving the shared runtime on its own thread (see the module's docs): the
/// asyncio and Node bridges claim one per process, for the loop that calls first.
///
/// The loop watches [`EventLoop::fd`] for readability (level-triggered: asyncio's
/// `add_reader`, libuv's `uv_poll`) and calls [`EventLoop::ready`] when it is readable; calls
/// go through [`EventLoop::spawn`]. Neither ever waits on the network: they run what is
/// ready and return. A drive has no time limit of its own: it ends when nothing is ready,
/// which the loop's own calls bound (new calls are only made once it returns). Dropping the
/// claim hands everything back to the driver thread. In a forked child the claim is stale:
/// `spawn` falls back to [`spawn`], `ready` does nothing.
pub struct EventLoop {
    slot: &'static Slot,
    fd: i32,
}

impl std::fmt::Debug for EventLoop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventLoop").field("fd", &self.fd).finish()
    }
}

impl EventLoop {
    /// Claims the runtime for the calling thread's event loop. `None` when another loop has
    /// it, when the reactor's descriptor is not known (outside Linux), or inside an async
    /// runtime: the bridge then uses [`spawn`], and the driver thread.
    pub fn claim() -> Option<EventLoop> {
        if Handle::try_current().is_ok() {
            return None;
        }
        let slot = slot().ok()?;
        let fd = slot.reactor?;
        slot.loop_claimed
            .compare_exchange(false, true, SeqCst, SeqCst)
            .ok()?;
        Some(EventLoop { slot, fd })
    }

    /// The descriptor the loop watches for readability: the reactor's epoll instance.
    pub fn fd(&self) -> i32 {
        self.fd
    }

    /// Tells the driver thread whether the loop watches [`EventLoop::fd`] now. While it does,
    /// the driver thread leaves the reactor's events to the loop.
    pub fn set_watching(&self, watching: bool) {
        self.slot.watched.store(watching, SeqCst);
        self.slot.driver.unpark();
    }

    /// Whether this claim is a parent's, made before a fork: it drives nothing here, and
    /// another claim may be made in its place.
    pub fn is_stale(&self) -> bool {
        !self.live()
    }

    /// Whether this claim is of the current process's runtime (not a parent's, after fork).
    fn live(&self) -> bool {
        current().is_some_and(|s| std::ptr::eq(s, self.slot))
            && self.slot.generation == fork::generation()
    }

    /// Spawns `fut` on the shared runtime. When nothing else is in flight and no blocking
    /// call is driving, runs it here until nothing is ready to run (its request written,
    /// waiting for the answer): no thread hand-off. With other work in flight it is queued,
    /// and the loop runs everything queued in its turn at once (the queue makes the reactor's
    /// descriptor readable): many calls made in one turn of the loop share one drive.
    /// Returns without waiting for `fut`.
    pub fn spawn<F>(&self, fut: F) -> Result<JoinHandle<F::Output>>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        if !self.live() {
            return spawn(fut);
        }
        if self.slot.tasks.load(SeqCst) > 0 && self.slot.watched.load(SeqCst) {
            return Ok(self.slot.runtime.spawn(counted(self.slot, fut)));
        }
        let Some(drive) = self.enter() else {
            return spawn(fut);
        };
        let (slot, fd) = (self.slot, self.fd);
        let fut = counted(slot, fut);
        // The task's handle is the output: the caller awaits it later, not this drive.
        #[allow(clippy::async_yields_async)]
        let task = slot.block_here(async move {
            if event_loop::readable(fd) {
                // Events arrived while nobody drove (a connection the server closed): handle
                // them before the call picks a pooled connection, as a blocking call does.
                tokio::task::yield_now().await;
                tokio::task::yield_now().await;
            }
            let task = tokio::spawn(fut);
            event_loop::UntilIdle::new(fd).await;
            task
        });
        drive.finish();
        Ok(task)
    }

    /// The loop saw [`EventLoop::fd`] readable: runs what the events made ready, here, until
    /// nothing is. Returns `false` when a blocking call is driving the runtime on another
    /// thread (it handles these events): the loop should stop watching (and say so with
    /// [`EventLoop::set_watching`]) until its next call, or it would spin.
    pub fn ready(&self) -> bool {
        let Some(drive) = self.enter() else {
            return false;
        };
        let fd = self.fd;
        self.slot.block_here(event_loop::UntilIdle::new(fd));
        drive.finish();
        true
    }

    /// Takes the runtime for a drive on this thread: `None` when a blocking caller drives it
    /// (or this claim is stale); the driver thread, if driving, is asked to step aside (it
    /// does within one step of its work, which this thread waits for).
    fn enter(&self) -> Option<LoopDrive> {
        if !self.live() || Handle::try_current().is_ok() {
            return None;
        }
        let slot = self.slot;
        slot.callers.compare_exchange(0, 1, SeqCst, SeqCst).ok()?;
        if slot.driving.load(SeqCst) {
            slot.step_aside.notify_one();
        }
        Some(LoopDrive {
            slot,
            _sigpipe: SigpipeBlocked::unless_ignored(),
        })
    }
}

impl Drop for EventLoop {
    fn drop(&mut self) {
        self.slot.watched.store(false, SeqCst);
        self.slot.loop_claimed.store(false, SeqCst);
        self.slot.driver.unpark();
    }
}

/// A drive on an event loop's thread, counted as a caller until finished.
struct LoopDrive {
    slot: &'static Slot,
    _sigpipe: SigpipeBlocked,
}

impl LoopDrive {
    /// Work a thread woke meanwhile (queued remotely, its wake-up consumed by this drive)
    /// is run before leaving; what is still queued then is marked stranded, and the driver
    /// thread drives it at once.
    fn finish(self) {
        for _ in 0..3 {
            if self.slot.runtime.metrics().global_queue_depth() == 0 {
                return;
            }
            self.slot
                .block_here(event_loop::UntilIdle::new(self.slot.reactor.unwrap_or(-1)));
        }
    }
}

impl Drop for LoopDrive {
    fn drop(&mut self) {
        let slot = self.slot;
        if slot.runtime.metrics().global_queue_depth() > 0 {
            slot.stranded.store(true, SeqCst);
        }
        slot.calls.fetch_add(1, SeqCst);
        slot.callers.fetch_sub(1, SeqCst);
        // A driver thread parked with no deadline is woken to sweep after this drive (one
        // with a deadline looks by itself): `calls` is counted before `sleeping` is read, as
        // the driver announces `sleeping` before it reads `calls` (both SeqCst).
        if slot.needs_driver() || slot.sleeping.load(SeqCst) {
            slot.driver.unpark();
        }
    }
}

/// How an event loop's drive knows that nothing is left to run: the runtime's park hook
/// (called when its queue is empty, on the thread about to park) wakes the drive.
mod event_loop {
    use std::cell::{Cell, RefCell};
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context, Poll, Waker};

    thread_local! {
        /// The waker of this thread's drive for an event loop, while it waits, and the
        /// reactor's descriptor.
        static DRIVE: RefCell<Option<(Waker, i32)>> = const { RefCell::new(None) };
        /// Set by the park hook: the queue was empty and no reactor event was waiting.
        static IDLE: Cell<bool> = const { Cell::new(false) };
    }

    /// The runtime's `on_thread_park` hook. On an event loop's thread the runtime's queue is
    /// empty and it would wait for events: the drive is woken instead, so the runtime only
    /// polls the reactor without waiting. When no event was waiting before that poll, nothing
    /// can be left to run after it, save an event arriving between the two (the driver
    /// thread sweeps the runtime once the loop has been quiet for [`super::LOOP_BACKSTOP`]),
    /// and the drive is done; else the events it takes are run first.
    pub(super) fn before_park() {
        let _ = DRIVE.try_with(|drive| {
            if let Some((waker, fd)) = drive.borrow_mut().take() {
                IDLE.set(!readable(fd));
                waker.wake();
            }
        });
    }

    /// Whether `fd` is readable now (without consuming anything).
    pub(super) fn readable(fd: i32) -> bool {
        #[cfg(unix)]
        {
            if fd < 0 {
                return false;
            }
            let mut p = libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one valid pollfd, no waiting.
            unsafe { libc::poll(&mut p, 1, 0) > 0 }
        }
        #[cfg(not(unix))]
        {
            let _ = fd;
            false
        }
    }

    /// Completes when the runtime's queue was found empty and no reactor event is waiting.
    pub(super) struct UntilIdle {
        fd: i32,
        waiting: bool,
    }

    impl UntilIdle {
        pub(super) fn new(fd: i32) -> UntilIdle {
            UntilIdle { fd, waiting: false }
        }
    }

    impl Future for UntilIdle {
        type Output = ();
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            if self.waiting && IDLE.replace(false) {
                DRIVE.with(|d| d.borrow_mut().take());
                return Poll::Ready(());
            }
            self.waiting = true;
            DRIVE.with(|d| *d.borrow_mut() = Some((cx.waker().clone(), self.fd)));
            Poll::Pending
        }
    }

    impl Drop for UntilIdle {
        fn drop(&mut self) {
            let _ = DRIVE.try_with(|d| d.borrow_mut().take());
        }
    }
}

/// Finding the reactor's epoll instance. tokio does not tell its descriptor, so a pipe made
/// for the purpose is registered with the runtime's reactor, and the epoll instances found
/// watching it (by its number and its inode, unique while the pipe is open: a stale entry
/// that another epoll instance keeps for a closed descriptor of the same number has another
/// inode; kernels before 4.12 show no inode, and the number alone makes a candidate) are
/// the candidates. Descriptors that other threads open, close or reuse meanwhile cannot be
/// mistaken for it. Without `/proc` (or outside Linux) nothing is found, and event loops
/// use the driver thread.
mod reactor {
    use std::collections::BTreeSet;

    /// The descriptors open now (none outside Linux): [`find`] looks at the others first.
    pub(super) fn open() -> BTreeSet<i32> {
        #[cfg(target_os = "linux")]
        if let Ok(dir) = std::fs::read_dir("/proc/self/fd") {
            return dir
                .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
                .collect();
        }
        BTreeSet::new()
    }

    /// The descriptors of epoll instances watching a pipe registered with `runtime`'s
    /// reactor: those confirmed by the pipe's inode, else those matching its number alone.
    /// Descriptors not in `before` are looked at first (a process may have thousands open,
    /// a `readlink` each); the rest only when none of those is one.
    #[cfg(target_os = "linux")]
    pub(super) fn find(runtime: &tokio::runtime::Runtime, before: &BTreeSet<i32>) -> Vec<i32> {
        use std::fs::File;
        use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
        use std::os::unix::fs::MetadataExt;

        let mut ends = [-1; 2];
        // SAFETY: `ends` has room for the two descriptors pipe2 writes.
        if unsafe { libc::pipe2(ends.as_mut_ptr(), libc::O_CLOEXEC | libc::O_NONBLOCK) } != 0 {
            return Vec::new();
        }
        // SAFETY: both descriptors were just opened by pipe2 and are owned here alone. The
        // write end stays open until the read end is deregistered (no hang-up event).
        let (read, _write) =
            unsafe { (OwnedFd::from_raw_fd(ends[0]), OwnedFd::from_raw_fd(ends[1])) };
        let marker = File::from(read);
        let Ok(ino) = marker.metadata().map(|m| m.ino()) else {
            return Vec::new();
        };
        let registered = {
            let _context = runtime.enter();
            // SAFETY: the `File` owns its descriptor, open until the `AsyncFd` drops it.
            unsafe {
                tokio::io::unix::AsyncFd::register_with_interest(
                    marker,
                    tokio::io::Interest::READABLE,
                )
            }
        };
        let Ok(marker) = registered else {
            return Vec::new();
        };
        let (number, ino) = (marker.as_raw_fd().to_string(), format!("{ino:x}"));
        let seen = |fd: i32| -> Seen {
            let epoll = std::fs::read_link(format!("/proc/self/fd/{fd}"))
                .is_ok_and(|target| target.as_os_str() == "anon_inode:[eventpoll]");
            if !epoll {
                return Seen::No;
            }
            std::fs::read_to_string(format!("/proc/self/fdinfo/{fd}"))
                .map_or(Seen::No, |info| seen_in(&info, &number, &ino))
        };
        let (fresh, older): (Vec<i32>, Vec<i32>) =
            open().into_iter().partition(|fd| !before.contains(fd));
        for part in [fresh, older] {
            let seen: Vec<(i32, Seen)> = part.into_iter().map(|fd| (fd, seen(fd))).collect();
            for wanted in [Seen::ByNumberAndInode, Seen::ByNumber] {
                let found: Vec<i32> = seen
                    .iter()
                    .filter(|&&(_, s)| s == wanted)
                    .map(|&(fd, _)| fd)
                    .collect();
                if !found.is_empty() {
                    return found;
                }
            }
        }
        Vec::new()
    }

    /// How an epoll instance's fdinfo shows the marker.
    #[cfg(target_os = "linux")]
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
    pub(super) enum Seen {
        No,
        ByNumber,
        ByNumberAndInode,
    }

    /// How `info`, an epoll instance's fdinfo, shows the descriptor `number` whose inode is
    /// `ino` (lower-case hex). It has a line per descriptor watched, with the file's inode
    /// since Linux 4.12: "tfd:        7 events:       19 data:   0  pos:0 ino:2de5 sdev:d".
    #[cfg(target_os = "linux")]
    pub(super) fn seen_in(info: &str, number: &str, ino: &str) -> Seen {
        let mut best = Seen::No;
        for line in info.lines() {
            let mut words = line.split_whitespace();
            if words.next() != Some("tfd:") || words.next() != Some(number) {
                continue;
            }
            best = best.max(match words.find_map(|w| w.strip_prefix("ino:")) {
                Some(shown) if shown == ino => Seen::ByNumberAndInode,
                Some(_) => Seen::No,
                None => Seen::ByNumber,
            });
        }
        best
    }

    #[cfg(not(target_os = "linux"))]
    pub(super) fn find(_runtime: &tokio::runtime::Runtime, _before: &BTreeSet<i32>) -> Vec<i32> {
        Vec::new()
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime")
    }

    /// The fdinfo lines of an epoll instance: the marker is seen by its number and inode
    /// (Linux 4.12 on), by its number alone where no inode is shown, not at all when the number
    /// is another file's (a stale entry) or missing.
    #[test]
    fn fdinfo_lines_show_the_marker() {
        use super::reactor::{seen_in, Seen};
        let now = "pos:\t0\nflags:\t02000002\nmnt_id:\t17\nino:\t1039\n\
                   tfd:        4 events: 80002019 data:                0  pos:0 ino:40f sdev:10\n\
                   tfd:       12 events:       19 data:                c  pos:0 ino:2de5 sdev:d\n";
        assert_eq!(seen_in(now, "12", "2de5"), Seen::ByNumberAndInode);
        assert_eq!(seen_in(now, "12", "2de6"), Seen::No);
        assert_eq!(seen_in(now, "1", "2de5"), Seen::No);
        assert_eq!(seen_in(now, "4", "40f"), Seen::ByNumberAndInode);
        let old = "pos:\t0\nflags:\t02\ntfd:       12 events:       19 data:                c\n";
        assert_eq!(seen_in(old, "12", "2de5"), Seen::ByNumber);
        assert_eq!(seen_in(old, "2", "2de5"), Seen::No);
        assert_eq!(seen_in("", "12", "2de5"), Seen::No);
    }

    /// Other threads opening, closing and reusing descriptors of the reactor's kinds (epoll
    /// instances, eventfds, epoll entries left behind for a closed number) while runtimes
    /// start: each runtime's reactor is found, and it is the runtime's own (work queued from
    /// outside makes it readable). Finding it by the descriptors that appeared while the
    /// runtime started missed it here most of the time.
    #[test]
    fn the_reactor_is_found_while_other_threads_churn_descriptors() {
        let stop = Arc::new(AtomicBool::new(false));
        let churn = {
            let stop = stop.clone();
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    // SAFETY: plain descriptor syscalls on descriptors owned by this loop.
                    unsafe {
                        let poll = libc::epoll_create1(libc::EPOLL_CLOEXEC);
                        let event = libc::eventfd(0, libc::EFD_CLOEXEC);
                        let copy = libc::dup(event);
                        let mut interest = libc::epoll_event {
                            events: libc::EPOLLIN as u32,
                            u64: 0,
                        };
                        libc::epoll_ctl(poll, libc::EPOLL_CTL_ADD, event, &mut interest);
                        // The entry outlives the number: `copy` keeps the eventfd open.
                        libc::close(event);
                        std::thread::yield_now();
                        libc::close(copy);
                        libc::close(poll);
                    }
                }
            })
        };
        for round in 0..200 {
            let before = super::reactor::open();
            let rt = runtime();
            let found = super::reactor::find(&rt, &before);
            assert!(
                !found.is_empty(),
                "round {round}: the reactor was not found"
            );
            for &fd in &found {
                assert!(
                    !super::event_loop::readable(fd),
                    "round {round}: {fd} readable before any work"
                );
            }
            drop(rt.spawn(async {}));
            for &fd in &found {
                assert!(
                    super::event_loop::readable(fd),
                    "round {round}: {fd} is not the runtime's reactor"
                );
            }
        }
        stop.store(true, Ordering::Relaxed);
        churn.join().unwrap();
    }
}
