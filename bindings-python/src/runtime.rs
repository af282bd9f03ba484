//! The asyncio bridge, on the core's one shared runtime.
//!
//! Per call: one `loop.create_future()`, one task on the runtime, and when it finishes, one
//! byte written to a socket the event loop watches (`loop.add_reader`) — no runtime thread
//! touches Python. The loop's reader callback drains every completion queued since it last
//! ran (one wake-up per batch), turning each outcome into Python objects on the loop's own
//! thread, with the GIL it already holds. Cancelling the asyncio future aborts the task (and
//! with it the HTTP request). A panic in the task becomes a `DialtimeError`, never a future
//! that never resolves.
//!
//! The first loop to make a call (and, once that loop is closed or gone, the next) also
//! drives the runtime itself (core's `EventLoop`): the call's exchange runs on the loop's
//! thread until the request is written, and the loop watches the reactor's descriptor, so
//! the answer is read and decoded there too: no thread hand-off at all. The GIL is released
//! while the loop's thread drives. Other loops (in other threads) use the runtime's driver
//! thread.
//!
//! Where a loop cannot watch a socket (Windows' proactor loop, an event loop that refuses
//! attributes), completions fall back to `loop.call_soon_threadsafe` from the runtime thread.
//! That path, and only it, enters Python from a runtime thread, through [`attach`].
//!
//! "Runtime thread" here is any thread driving the core's runtime: dialtime's own, or a
//! thread inside a blocking call (a Python thread with the GIL released, which then takes
//! it through [`attach`] like any other), since such a call drives the runtime itself.
//!
//! Interpreter exit: no runtime thread may touch Python once finalization starts (a thread
//! taking the GIL then is ended with `pthread_exit`, which cannot unwind through Rust frames:
//! the process aborts). The socket path never does; the fallback goes through [`attach`],
//! and an `atexit` hook ([`shutdown`]) closes that door, waiting (with the GIL released) for
//! the threads already inside to leave, before finalization begins.

use std::future::Future;
#[cfg(unix)]
use std::io::{Read, Write};
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use futures_util::FutureExt;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::IntoPyObjectExt;
use tokio::task::AbortHandle;

use crate::error::{self, Failure, OrRaise};

static GET_RUNNING_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static CALL: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// Makes a task's result (`true`) or exception (`false`) on the loop's thread.
type Outcome = Box<dyn FnOnce(Python<'_>) -> (bool, Py<PyAny>) + Send>;

/// What a finished task hands to the loop: its asyncio future and how to resolve it.
struct Completion {
    future: Py<PyAny>,
    outcome: Outcome,
}

impl Completion {
    fn new<T>(future: Py<PyAny>, outcome: std::thread::Result<Result<T, Failure>>) -> Self
    where
        T: for<'a> IntoPyObject<'a> + Send + 'static,
    {
        Completion {
            future,
            outcome: Box::new(move |py| match outcome {
                Ok(Ok(value)) => match value.into_py_any(py) {
                    Ok(v) => (true, v),
                    Err(e) => (false, e.into_value(py).into_any()),
                },
                Ok(Err(failure)) => (false, failure.into_py(py).into_value(py).into_any()),
                Err(_) => (false, error::panicked(py).into_value(py).into_any()),
            }),
        }
    }

    /// Resolves the future (on the loop's thread). One that was cancelled meanwhile refuses
    /// (`InvalidStateError`), which is dropped: nobody is waiting for it any more. Asking
    /// `done()` first would cost every call a method call for that rare case.
    /// What `set_result` raised that is not an `Exception` (Ctrl-C in the loop's `call_soon`,
    /// the future already done) is the caller's to raise: dropped, it was lost and the task
    /// awaiting the future never woke.
    fn resolve(self, py: Python<'_>) -> PyResult<()> {
        let (ok, value) = (self.outcome)(py);
        let method = if ok {
            intern!(py, "set_result")
        } else {
            intern!(py, "set_exception")
        };
        match self.future.bind(py).call_method1(method, (value,)) {
            Err(e) if !e.is_instance_of::<pyo3::exceptions::PyException>(py) => Err(e),
            _ => Ok(()),
        }
    }
}

/// The runtime's side of a loop's socket: completions waiting, and the end to write to.
struct Inbox {
    queue: Mutex<Vec<Completion>>,
    #[cfg(unix)]
    wake: Mutex<std::os::unix::net::UnixStream>,
}

thread_local! {
    /// The inbox of the loop whose thread is driving the runtime right now (in
    /// [`Owner::drive`]): its completions are resolved right after the drive, on this same
    /// thread, without waking the loop through its socket.
    static DRIVING_FOR: std::cell::Cell<*const Inbox> = const { std::cell::Cell::new(std::ptr::null()) };
}

impl Inbox {
    /// Queues a completion; wakes the loop when the queue was empty (one byte per batch),
    /// unless the loop's own thread is driving (it resolves the queue when done).
    fn post(&self, completion: Completion) {
        let was_empty = {
            let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
            queue.push(completion);
            queue.len() == 1
        };
        let here = DRIVING_FOR
            .try_with(|d| std::ptr::eq(d.get(), self))
            .unwrap_or(false);
        let was_empty = was_empty && !here;
        #[cfg(unix)]
        if was_empty {
            // A full socket means a wake-up is already pending; a closed one, that the loop
            // is gone (the completions are then dropped, with pyo3 deferring their decrefs).
            let _ = self
                .wake
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .write(&[1]);
        }
        #[cfg(not(unix))]
        let _ = was_empty;
    }
}

/// The loop's side: the reader callback `loop.add_reader` calls (on the loop's thread).
#[pyclass(frozen)]
struct Bridge {
    inbox: Arc<Inbox>,
    #[cfg(unix)]
    read: Mutex<std::os::unix::net::UnixStream>,
}

#[pymethods]
impl Bridge {
    fn __call__(&self, py: Python<'_>) -> PyResult<()> {
        #[cfg(unix)]
        {
            // One byte per batch: a single read empties the socket.
            let mut drain = [0u8; 4096];
            let _ = self
                .read
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .read(&mut drain);
        }
        section(py, || self.inbox.resolve_all(py))
    }

    /// The futures of completions waiting in the inbox, for Python's garbage collector: a call
    /// that finished after its loop was closed leaves its future here, and the future's loop
    /// holds this bridge (a cycle through Rust, invisible to the collector: every such loop
    /// leaked, with its selector and socket pair). Skipped while the runtime is posting.
    fn __traverse__(&self, visit: pyo3::PyVisit<'_>) -> Result<(), pyo3::PyTraverseError> {
        if let Ok(queue) = self.inbox.queue.try_lock() {
            for completion in queue.iter() {
                visit.call(&completion.future)?;
            }
        }
        Ok(())
    }

    /// Breaks that cycle: the waiting completions are dropped (nobody can resolve them).
    fn __clear__(&self) {
        let waiting =
            std::mem::take(&mut *self.inbox.queue.lock().unwrap_or_else(|e| e.into_inner()));
        drop(waiting);
    }
}

impl Inbox {
    /// Resolves every queued completion (on the loop's thread), then writes queued log
    /// records; what a handler raised that is not an `Exception` (Ctrl-C) is the loop's.
    fn resolve_all(&self, py: Python<'_>) -> PyResult<()> {
        let batch = std::mem::take(&mut *self.queue.lock().unwrap_or_else(|e| e.into_inner()));
        // Every completion resolved, whatever one raised; the first raised is.
        let mut raised = Ok(());
        for completion in batch {
            let resolved = completion.resolve(py);
            if raised.is_ok() {
                raised = resolved;
            }
        }
        let flushed = crate::log::flush(py);
        raised.and(flushed)
    }
}

/// The inbox of `event_loop`, made and registered (`add_reader`) on first use; `None` when
/// the loop cannot watch a socket.
#[cfg(not(unix))]
fn inbox_of(_py: Python<'_>, _event_loop: &Bound<'_, PyAny>) -> Option<Arc<Inbox>> {
    None
}

#[cfg(unix)]
fn inbox_of(py: Python<'_>, event_loop: &Bound<'_, PyAny>) -> Option<Arc<Inbox>> {
    const ATTR: &str = "_dialtime_bridge";
    if let Ok(bridge) = event_loop.getattr(intern!(py, ATTR)) {
        return bridge.cast::<Bridge>().ok().map(|b| b.get().inbox.clone());
    }
    let (read, write) = std::os::unix::net::UnixStream::pair().ok()?;
    read.set_nonblocking(true).ok()?;
    write.set_nonblocking(true).ok()?;
    let fd = std::os::fd::AsRawFd::as_raw_fd(&read);
    let inbox = Arc::new(Inbox {
        queue: Mutex::new(Vec::new()),
        wake: Mutex::new(write),
    });
    let bridge = Bound::new(
        py,
        Bridge {
            inbox: inbox.clone(),
            read: Mutex::new(read),
        },
    )
    .ok()?;
    event_loop.setattr(ATTR, &bridge).ok()?;
    if event_loop
        .call_method1("add_reader", (fd, &bridge))
        .is_err()
    {
        // Not a selector loop: remember that, and use the fallback.
        let _ = event_loop.setattr(ATTR, py.None());
        return None;
    }
    Some(inbox)
}

/// The event loop that drives the shared runtime on its own thread, and whether it watches
/// the reactor now. `OWNER`'s lock is held only to copy or swap the pointer, never while
/// Python code runs (which may hand the GIL to another thread) or an owner is dropped.
struct Owner {
    claim: dialtime::__private::runtime::EventLoop,
    /// The loop's inbox.
    inbox: Arc<Inbox>,
    /// A weak reference to the loop.
    event_loop: Py<PyAny>,
    watching: std::sync::atomic::AtomicBool,
}

static OWNER: Mutex<Option<Arc<Owner>>> = Mutex::new(None);
static WEAKREF: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

impl Owner {
    /// Whether `event_loop` is this owner's loop.
    fn is(&self, py: Python<'_>, event_loop: &Bound<'_, PyAny>) -> bool {
        self.event_loop
            .bind(py)
            .call0()
            .is_ok_and(|l| l.is(event_loop))
    }

    /// Whether the owner's loop is gone or closed: another loop may claim the runtime.
    fn is_over(&self, py: Python<'_>) -> bool {
        match self.event_loop.bind(py).call0() {
            Ok(l) if !l.is_none() => l
                .call_method0(intern!(py, "is_closed"))
                .and_then(|c| c.is_truthy())
                .unwrap_or(true),
            _ => true,
        }
    }

    /// Runs `drive` on the loop's thread with the GIL released, then resolves the calls it
    /// finished: what `drive` returned (`None` when it panicked), and what a logging handler
    /// raised that is not an `Exception` (Ctrl-C), for the caller to raise.
    fn drive<R: Send>(
        &self,
        py: Python<'_>,
        drive: impl FnOnce() -> R + Send,
    ) -> (Option<R>, PyResult<()>) {
        let inbox: &Inbox = &self.inbox;
        let outcome = detach(py, || {
            let previous = DRIVING_FOR.replace(inbox);
            let outcome = std::panic::catch_unwind(AssertUnwindSafe(drive));
            DRIVING_FOR.set(previous);
            outcome
        });
        let flushed = self.inbox.resolve_all(py);
        (outcome.ok(), flushed)
    }

    /// Watches the reactor from `event_loop` (again); false when the loop refuses.
    fn watch(self: &Arc<Self>, py: Python<'_>, event_loop: &Bound<'_, PyAny>) -> bool {
        use std::sync::atomic::Ordering::Relaxed;
        if self.watching.load(Relaxed) {
            return true;
        }
        let Ok(reactor) = Bound::new(py, Reactor(Arc::downgrade(self))) else {
            return false;
        };
        if event_loop
            .call_method1(intern!(py, "add_reader"), (self.claim.fd(), reactor))
            .is_err()
        {
            return false;
        }
        self.watching.store(true, Relaxed);
        self.claim.set_watching(true);
        true
    }
}

/// The owner for `event_loop`: its own, or a new claim when no live loop has one (the
/// owner's loop closed or gone, or the claim a parent's before a fork). `None`: another loop
/// drives, or this one cannot watch a descriptor.
fn owner_for(
    py: Python<'_>,
    event_loop: &Bound<'_, PyAny>,
    inbox: &Arc<Inbox>,
) -> Option<Arc<Owner>> {
    fn lock() -> MutexGuard<'static, Option<Arc<Owner>>> {
        OWNER.lock().unwrap_or_else(|e| e.into_inner())
    }
    let current = lock().clone();
    if let Some(current) = current {
        let live = !current.claim.is_stale();
        if live && current.is(py, event_loop) {
            return current.watch(py, event_loop).then_some(current);
        }
        if live && !current.is_over(py) {
            return None;
        }
        // Given up, unless another thread replaced it meanwhile; dropped outside the lock
        // (the claim is released with the last reference).
        let old = {
            let mut slot = lock();
            if !slot.as_ref().is_some_and(|o| Arc::ptr_eq(o, &current)) {
                return None;
            }
            slot.take()
        };
        drop(old);
        drop(current);
    }
    let claim = dialtime::__private::runtime::EventLoop::claim()?;
    let weak = WEAKREF
        .import(py, "weakref", "ref")
        .ok()?
        .call1((event_loop,))
        .ok()?
        .unbind();
    let fresh = Arc::new(Owner {
        claim,
        inbox: inbox.clone(),
        event_loop: weak,
        watching: std::sync::atomic::AtomicBool::new(false),
    });
    {
        let mut slot = lock();
        if slot.is_some() {
            return None;
        }
        *slot = Some(fresh.clone());
    }
    fresh.watch(py, event_loop).then_some(fresh)
}

/// The reader callback on the reactor's descriptor: drives what its events made ready, with
/// the GIL released. When a blocking call drives the runtime on another thread, stops
/// watching until the loop's next call (the descriptor stays readable until that thread
/// takes the events: watching would spin). Holds the owner weakly: a claim given up (its
/// loop closed, another loop claiming) is released at once, not when the old loop's
/// selector lets go of this callback.
#[pyclass(frozen)]
struct Reactor(std::sync::Weak<Owner>);

#[pymethods]
impl Reactor {
    fn __call__(&self, py: Python<'_>) -> PyResult<()> {
        let Some(owner) = self.0.upgrade() else {
            return Ok(());
        };
        section(py, || Self::react(py, &owner))
    }
}

impl Reactor {
    fn react(py: Python<'_>, owner: &Arc<Owner>) -> PyResult<()> {
        let (driven, flushed) = owner.drive(py, || owner.claim.ready());
        let driven = driven.unwrap_or(false);
        if !driven {
            use std::sync::atomic::Ordering::Relaxed;
            owner.watching.store(false, Relaxed);
            owner.claim.set_watching(false);
            if let Some(event_loop) = owner
                .event_loop
                .bind(py)
                .call0()
                .ok()
                .filter(|l| !l.is_none())
            {
                let _ = event_loop.call_method1(intern!(py, "remove_reader"), (owner.claim.fd(),));
            }
        }
        flushed
    }
}

/// An asyncio future resolving to `fut`'s output; must be called inside a running loop.
pub(crate) fn future<'py, F, T>(py: Python<'py>, fut: F) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = Result<T, Failure>> + Send + 'static,
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    // `create_future`, `add_reader`, the calls a drive resolves, the logger's levels read
    // before the call: Python code.
    section(py, || {
        crate::log::refresh(py)?;
        future_in_section(py, fut)
    })
}

fn future_in_section<'py, F, T>(py: Python<'py>, fut: F) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = Result<T, Failure>> + Send + 'static,
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    use dialtime::__private::runtime::spawn;
    // Boxed once: the wrappers below and the spawn move a pointer, not the whole exchange.
    let fut = Box::pin(fut);
    let event_loop = GET_RUNNING_LOOP
        .import(py, "asyncio", "get_running_loop")?
        .call0()
        .map_err(|_| error::outside_event_loop(py))?;
    let kwargs = pyo3::types::PyDict::new(py);
    kwargs.set_item(intern!(py, "loop"), &event_loop)?;
    let py_future = CALL
        .import(py, "dialtime._call", "Call")?
        .call((), Some(&kwargs))?;
    let future_ref = py_future.clone().unbind();
    let task = match inbox_of(py, &event_loop) {
        Some(inbox) => {
            let owner = owner_for(py, &event_loop, &inbox);
            let work = async move {
                let outcome = AssertUnwindSafe(fut).catch_unwind().await;
                inbox.post(Completion::new(future_ref, outcome));
            };
            match owner {
                Some(owner) => match owner.drive(py, || owner.claim.spawn(work)) {
                    // Ctrl-C in a logging handler (or a completion) while the call started:
                    // raised here, the call aborted (its future is never returned).
                    (spawned, Err(interrupted)) => {
                        if let Some(Ok(task)) = spawned {
                            task.abort();
                        }
                        return Err(interrupted);
                    }
                    (Some(spawned), Ok(())) => spawned,
                    (None, Ok(())) => return Err(error::panicked(py)),
                },
                None => spawn(work),
            }
        }
        None => {
            let loop_ref = event_loop.unbind();
            spawn(async move {
                let outcome = AssertUnwindSafe(fut).catch_unwind().await;
                let completion = Completion::new(future_ref, outcome);
                // Not at all once the interpreter shuts down: nobody is waiting any more.
                let _ = attach(|py| {
                    let resolve = Bound::new(py, Resolve(Mutex::new(Some(completion))))?;
                    // Fails only when the loop is closed: nobody is waiting any more.
                    let _ = loop_ref
                        .bind(py)
                        .call_method1("call_soon_threadsafe", (resolve,));
                    PyResult::Ok(())
                });
            })
        }
    }
    .or_raise(py)?;
    let abort = AbortTask(task.abort_handle());
    py_future.setattr(intern!(py, "_abort"), abort)?;
    Ok(py_future)
}

/// The fallback's callback (`call_soon_threadsafe`): resolves one completion on the loop,
/// then writes queued log records, as the inbox does (without it, a loop that refuses
/// `add_reader` wrote no record of its calls until a blocking call did).
#[pyclass(frozen)]
struct Resolve(Mutex<Option<Completion>>);

#[pymethods]
impl Resolve {
    fn __call__(&self, py: Python<'_>) -> PyResult<()> {
        let completion = self.0.lock().unwrap_or_else(|e| e.into_inner()).take();
        section(py, || {
            let resolved = completion.map_or(Ok(()), |c| c.resolve(py));
            let flushed = crate::log::flush(py);
            resolved.and(flushed)
        })
    }
}

/// Whether the door is closed (`closed`), by which thread (`finalizer`: the one running the
/// `atexit` hooks, which goes on to finalize the interpreter), and how many threads are inside
/// Python or on their way back into it.
struct Door {
    closed: bool,
    finalizer: Option<std::thread::ThreadId>,
    inside: usize,
}

/// The door of one fork generation: a child forked while a thread was inside (or held the
/// lock) must not wait for a thread it does not have (the old one is leaked, never used).
struct Gate {
    generation: u64,
    door: Mutex<Door>,
    left: Condvar,
}

static GATE: std::sync::atomic::AtomicPtr<Gate> =
    std::sync::atomic::AtomicPtr::new(std::ptr::null_mut());

fn gate() -> &'static Gate {
    use std::sync::atomic::Ordering;
    let generation = dialtime::__private::runtime::fork_generation();
    loop {
        let seen = GATE.load(Ordering::Acquire);
        // SAFETY: NULL or a pointer from Box::into_raw, never freed.
        if let Some(g) = unsafe { seen.as_ref() } {
            if g.generation == generation {
                return g;
            }
        }
        let fresh = Box::into_raw(Box::new(Gate {
            generation,
            door: Mutex::new(Door {
                closed: false,
                finalizer: None,
                inside: 0,
            }),
            left: Condvar::new(),
        }));
        match GATE.compare_exchange(seen, fresh, Ordering::AcqRel, Ordering::Acquire) {
            // SAFETY: just leaked, never freed.
            Ok(_) => return unsafe { &*fresh },
            // SAFETY: never shared.
            Err(_) => drop(unsafe { Box::from_raw(fresh) }),
        }
    }
}

impl Gate {
    fn door(&self) -> MutexGuard<'_, Door> {
        self.door.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Leaves the door it entered (on every path, a panic included).
struct Leave(&'static Gate);

impl Drop for Leave {
    fn drop(&mut self) {
        // The door of the parent of a fork: its lock may have been held by a thread the
        // child does not have, and nobody waits at it here.
        if self.0.generation != dialtime::__private::runtime::fork_generation() {
            return;
        }
        let mut d = self.0.door();
        d.inside = d.inside.saturating_sub(1);
        // Only the `atexit` hook waits, after closing the door: a wake-up is a system call,
        // and a section is entered and left several times per call.
        if d.closed {
            self.0.left.notify_all();
        }
    }
}

/// Whether the interpreter has started finalizing: CPython's `Py_IsFinalizing` (3.13+) or
/// `_Py_IsFinalizing` (before), outside the stable ABI, so looked up by name; both read one
/// atomic and need no GIL. `None` where neither is found.
fn finalizing() -> Option<bool> {
    type IsFinalizing = unsafe extern "C" fn() -> std::ffi::c_int;
    static FOUND: std::sync::OnceLock<Option<IsFinalizing>> = std::sync::OnceLock::new();
    let found = FOUND.get_or_init(|| {
        #[cfg(unix)]
        for name in [c"Py_IsFinalizing", c"_Py_IsFinalizing"] {
            // SAFETY: a NUL-terminated name looked up in the process's global scope.
            let symbol = unsafe { libc::dlsym(libc::RTLD_DEFAULT, name.as_ptr()) };
            if !symbol.is_null() {
                // SAFETY: both are `int (void)` in every CPython that has them.
                return Some(unsafe {
                    std::mem::transmute::<*mut std::ffi::c_void, IsFinalizing>(symbol)
                });
            }
        }
        None
    });
    // SAFETY: CPython's own function, callable from any thread.
    found.map(|f| unsafe { f() } != 0)
}

/// Runs `f` attached to the interpreter, from a thread driving the runtime (dialtime's own,
/// or one inside a blocking call, its GIL released); `None`, without touching Python, once the interpreter is shutting down.
pub(crate) fn attach<R>(f: impl for<'py> FnOnce(Python<'py>) -> R) -> Option<R> {
    let gate = gate();
    {
        let mut d = gate.door();
        if d.closed {
            return None;
        }
        d.inside += 1;
    }
    let _leave = Leave(gate);
    Python::try_attach(f)
}

thread_local! {
    /// How many [`section`]s this thread is in (a section may run Python code that calls
    /// dialtime again).
    static DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    /// The door this thread counts itself inside while in a section (left as it is in a
    /// child forked meanwhile: see `Leave`).
    static ENTERED: std::cell::Cell<Option<&'static Gate>> = const { std::cell::Cell::new(None) };
    /// The door (of this fork generation) past whose `atexit` hook this thread already waited
    /// its second for finalization to start (see [`enter_or_park`]).
    static WAITED: std::cell::Cell<Option<&'static Gate>> = const { std::cell::Cell::new(None) };
}

/// Runs `f`, which runs Python code from this native frame (a `logging` handler, a future's
/// `set_result` and the `call_soon` behind it, an event loop's methods), counted inside the
/// door. Python code may hand the GIL to another thread at any bytecode, and before 3.14 a
/// daemon thread taking it back once finalization has started is ended there with
/// `pthread_exit`, whose unwinding through these frames crashed the process (SIGSEGV in 15
/// runs of 15 with `logging` on and asyncio loops in daemon threads). So the `atexit` hook
/// waits for a thread in a section to leave it, as for one on its way back from a call; once
/// the door is closed, a thread about to enter one parks instead (see [`enter_or_park`]).
/// While a section releases the GIL ([`detach`]: a logging handler's own call, a drive of the
/// runtime) the thread still counts: exit waits for it, at most as long as for the rest.
pub(crate) fn section<R>(py: Python<'_>, f: impl FnOnce() -> R) -> R {
    match enter_section(py, true) {
        Some(entered) => entered.run(f),
        None => f(),
    }
}

/// [`section`] for Python code that may be left out once the interpreter exits (writing log
/// records, reading the logger's levels): after the `atexit` hook it is not run (`None`),
/// where `section` would first wait up to a second for finalization (a daemon thread calling
/// in a loop, a logging handler calling dialtime, held the exit for seconds).
pub(crate) fn section_unless_exiting<R>(py: Python<'_>, f: impl FnOnce() -> R) -> Option<R> {
    match enter_section(py, false) {
        Some(entered) => Some(entered.run(f)),
        None if DEPTH.get() > 0 => Some(f()),
        None => None,
    }
}

/// Whether the `atexit` hook has closed the door (for a thread other than the one exiting):
/// a section that can stop early (writing a batch of log records) stops.
pub(crate) fn exiting() -> bool {
    let d = gate().door();
    d.closed && d.finalizer != Some(std::thread::current().id())
}

/// A section entered (counted inside the door), to [`Entered::run`] in.
struct Entered;

/// Counts this thread inside the door for a section, unless it is in one already (`None`);
/// once the door is closed, `wait`s as a call's way back does ([`enter_or_park`]), or gives
/// up (`None`).
fn enter_section(py: Python<'_>, wait: bool) -> Option<Entered> {
    if DEPTH.get() > 0 {
        return None;
    }
    let gate = gate();
    let mut d = gate.door();
    let gate = if !d.closed || d.finalizer == Some(std::thread::current().id()) {
        d.inside += 1;
        gate
    } else if wait {
        drop(d);
        #[allow(clippy::disallowed_methods)]
        py.detach(enter_or_park)
    } else {
        return None;
    };
    DEPTH.set(1);
    ENTERED.set(Some(gate));
    Some(Entered)
}

impl Entered {
    fn run<R>(self, f: impl FnOnce() -> R) -> R {
        let _exit = Exit;
        f()
    }
}

/// Leaves the section and the door (on every path, a panic included).
struct Exit;

impl Drop for Exit {
    fn drop(&mut self) {
        DEPTH.set(DEPTH.get().saturating_sub(1));
        if let Some(gate) = ENTERED.take() {
            drop(Leave(gate));
        }
    }
}

/// Runs `f` with the GIL released. Every place the binding releases the GIL goes through
/// here (clippy refuses `Python::detach` anywhere else), because taking it back is where a
/// thread meets interpreter exit: before 3.14, CPython ends a thread that takes the GIL once
/// finalization has started with `pthread_exit`, whose unwinding through these Rust frames
/// crashes the process (a daemon thread whose call returns while the interpreter exits). So
/// the way back goes through the door: while it is open, the thread counts itself inside
/// until it holds the GIL again (the `atexit` hook waits for it); once the hook has closed
/// it, a thread other than the finalizing one parks for good instead (what CPython 3.14 does
/// itself) and the process ends around it.
pub(crate) fn detach<T, F>(py: Python<'_>, f: F) -> T
where
    F: Send + FnOnce() -> T,
    T: Send,
{
    // In a section (a logging handler's own call, a drive of the runtime) the thread stays
    // counted inside while the GIL is released: the `atexit` hook waits for it as for the rest
    // of the section, which goes on when it comes back. (Left uncounted, the call came back
    // after the hook was done, and the section met finalization.)
    if DEPTH.get() > 0 {
        #[allow(clippy::disallowed_methods)]
        let outcome = py.detach(|| std::panic::catch_unwind(AssertUnwindSafe(f)));
        return outcome.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    }
    #[allow(clippy::disallowed_methods)]
    let (outcome, gate) = py.detach(|| {
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(f));
        (outcome, enter_or_park())
    });
    drop(Leave(gate));
    outcome.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// [`detach`] for a blocking call: on the interpreter's main thread, where Python runs signal
/// handlers, the call asks every 50 ms (once it has run that long) whether one is pending and
/// runs it; what the handler raises (Ctrl-C: `KeyboardInterrupt`) abandons the call, its
/// request aborted, and is raised here instead of waiting for the call's timeouts and retries.
pub(crate) fn detach_interruptible<T, F>(py: Python<'_>, f: F) -> PyResult<T>
where
    F: Send + FnOnce() -> T,
    T: Send,
{
    if !on_main_thread(py) {
        return Ok(detach(py, f));
    }
    let raised: Arc<Mutex<Option<PyErr>>> = Arc::default();
    let stash = Arc::clone(&raised);
    let interrupted: dialtime::__private::runtime::Interrupt = Arc::new(move || {
        attach(|py| match py.check_signals() {
            Ok(()) => false,
            Err(e) => {
                *stash.lock().unwrap_or_else(|e| e.into_inner()) = Some(e);
                true
            }
        })
        .unwrap_or(false)
    });
    let outcome = detach(py, || {
        dialtime::__private::runtime::interruptible(interrupted, f)
    });
    let raised = raised.lock().unwrap_or_else(|e| e.into_inner()).take();
    match raised {
        Some(e) => Err(e),
        None => Ok(outcome),
    }
}

/// Whether this is the interpreter's main thread (asked once per thread).
fn on_main_thread(py: Python<'_>) -> bool {
    thread_local! {
        static MAIN: std::cell::Cell<Option<bool>> = const { std::cell::Cell::new(None) };
    }
    if let Some(known) = MAIN.get() {
        return known;
    }
    // `threading.main_thread()` is Python code (see `section`).
    let known = section(py, || -> PyResult<bool> {
        let threading = py.import("threading")?;
        let main = threading.call_method0("main_thread")?.getattr("ident")?;
        let current = threading.call_method0("get_ident")?;
        main.eq(current)
    })
    .unwrap_or(false);
    MAIN.set(Some(known));
    known
}

/// On the way back into Python (GIL released): counts this thread inside (in the door it
/// returns), or, once finalization has started after the `atexit` hook closed the door and
/// this is not the finalizing thread, never returns. Between the hook and finalization (the
/// hooks registered before dialtime's import still run) a thread waits for finalization to
/// start, normally within milliseconds; one still waiting after a second is presumably waited
/// for by such a hook (a join) and comes back. From then on it waits 50 ms, not a second, each
/// time (a thread such a hook joins paid a second per call, or per `validate`, until it was
/// done): still a wait, because the thread may instead be held up by a hook that is merely
/// slow, and one that finalization overtakes is parked here rather than found inside Python.
fn enter_or_park() -> &'static Gate {
    let gate = gate();
    let mut d = gate.door();
    if d.closed && d.finalizer != Some(std::thread::current().id()) {
        drop(d);
        let waited = WAITED.get().is_some_and(|g| std::ptr::eq(g, gate));
        let wait = Duration::from_millis(if waited { 50 } else { 1000 });
        let deadline = Instant::now() + wait;
        loop {
            match finalizing() {
                Some(false) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(2));
                }
                Some(false) => {
                    WAITED.set(Some(gate));
                    break;
                }
                Some(true) => loop {
                    std::thread::park();
                },
                // Not found (not CPython on a Unix): come back. A thread ending there
                // (Windows' `_endthreadex`) does not unwind through these frames.
                None => break,
            }
        }
        d = gate.door();
    }
    d.inside += 1;
    gate
}

/// The `atexit` hook (registered by the module on import): from now on no other thread
/// enters Python through dialtime; waits, with the GIL released, for those inside or on their
/// way back to leave (at most a few seconds: a thread stuck inside must not hang the exit).
#[pyfunction]
pub(crate) fn shutdown(py: Python<'_>) {
    detach(py, || {
        let gate = gate();
        let mut d = gate.door();
        d.closed = true;
        d.finalizer = Some(std::thread::current().id());
        let deadline = Instant::now() + Duration::from_secs(5);
        while d.inside > 0 {
            let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                break;
            };
            d = gate
                .left
                .wait_timeout(d, left)
                .map(|(d, _)| d)
                .unwrap_or_else(|e| e.into_inner().0);
        }
    });
}

/// `Call._abort`: aborts the call's task (and its HTTP request) when the future is cancelled.
#[pyclass(frozen)]
struct AbortTask(AbortHandle);

#[pymethods]
impl AbortTask {
    fn __call__(&self) {
        self.0.abort();
    }
}
