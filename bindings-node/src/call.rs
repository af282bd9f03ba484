//! The one way an async method runs: the core future on dialtime's runtime (the process's one
//! tokio runtime, core's: a current-thread runtime on its own thread), its outcome settled on
//! the JavaScript thread through one threadsafe function per Node environment.
//!
//! A call creates a promise, spawns its exchange and returns; the JS thread is free until the
//! answer. The runtime thread queues the outcome and wakes the JS thread only when the queue
//! was empty; the JS thread then settles every queued promise in one turn. That is one
//! hand-off each way and no per-call threadsafe function (napi-rs's `spawn_future` makes and
//! tears down one per promise, and runs its own multi-thread runtime beside core's).
//!
//! A panic anywhere (in the future, or in the conversion on the JS thread) rejects the promise
//! with a `DialtimeError` instead of aborting the process. While a call is pending the
//! environment's event loop stays alive (as for any I/O); idle, dialtime keeps nothing alive.
//! When an environment is torn down (process exit, a worker thread ending) with calls in
//! flight, their outcomes are dropped on the runtime thread: no napi call ever reaches a
//! finalized threadsafe function.

use std::cell::RefCell;
use std::ffi::c_void;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;
use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use futures_util::FutureExt;
use napi::bindgen_prelude::*;
use napi::sys;

use crate::error;
use crate::refs::RawRef;

/// Settles one promise on the JS thread: the value to resolve with, or the error to reject
/// with.
type Settle = Box<dyn FnOnce(&Env) -> Result<sys::napi_value> + Send>;

/// A promise's resolver, moved to the runtime thread and back; only used on the JS thread.
struct Deferred(sys::napi_deferred);
// SAFETY: the pointer is only dereferenced by napi on the JS thread that created it; other
// threads merely carry it.
unsafe impl Send for Deferred {}

struct Done {
    deferred: Deferred,
    settle: Settle,
}

/// Work for the JS thread that settles no promise: a log record for a JavaScript logger.
pub(crate) type Job = Box<dyn FnOnce(&Env) + Send>;

/// What the runtime thread hands to the JS thread.
enum Item {
    Done(Done),
    Job(Job),
}

/// A threadsafe function handle, callable from any thread while the environment lives.
#[derive(Clone, Copy)]
struct Tsfn(sys::napi_threadsafe_function);
// SAFETY: napi's threadsafe functions are made to be called from any thread; `Shared` only
// calls it while the slot holds it (see `wake`).
unsafe impl Send for Tsfn {}

/// What the runtime thread and the JS thread of one environment share.
struct Shared {
    /// Outcomes (and log jobs) waiting for the JS thread.
    queue: Mutex<Vec<Item>>,
    /// The environment's threadsafe function, for the runtime thread; `None` once the
    /// environment is torn down.
    tsfn: Mutex<Option<Tsfn>>,
    /// The same function for the JS thread's ref/unref, read without a lock (the JS thread
    /// must never wait on the runtime thread, which holds `tsfn` while it wakes the JS
    /// thread); null once torn down. Written and read on the JS thread only.
    js_tsfn: AtomicPtr<sys::napi_threadsafe_function__>,
    /// Calls in flight (touched on the JS thread only); the threadsafe function is ref'd
    /// while it is not zero.
    pending: AtomicUsize,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    /// On the JS thread: keeps the event loop alive while calls are pending (`true`), or lets
    /// it end (`false`).
    fn set_ref(&self, env: &Env, alive: bool) {
        let tsfn = self.js_tsfn.load(Ordering::Relaxed);
        if tsfn.is_null() {
            return;
        }
        // SAFETY: a valid env on its thread and its function, not torn down (teardown runs on
        // this same thread and nulls the pointer first).
        unsafe {
            if alive {
                sys::napi_ref_threadsafe_function(env.raw(), tsfn);
            } else {
                sys::napi_unref_threadsafe_function(env.raw(), tsfn);
            }
        }
    }

    /// From the runtime thread: queue an outcome and wake the JS thread if the queue was
    /// empty (otherwise a wake-up is already on its way and will settle this one too).
    fn deliver(&self, item: Item) {
        let first = {
            let mut queue = lock(&self.queue);
            queue.push(item);
            queue.len() == 1
        };
        if !first {
            return;
        }
        let tsfn = lock(&self.tsfn);
        let delivered = tsfn.is_some_and(|t| {
            // SAFETY: the slot still holds the function, so the environment has not been torn
            // down; the slot's lock keeps the teardown hook from clearing it meanwhile.
            let status = unsafe {
                sys::napi_call_threadsafe_function(
                    t.0,
                    ptr::null_mut(),
                    sys::ThreadsafeFunctionCallMode::nonblocking,
                )
            };
            status == sys::Status::napi_ok
        });
        drop(tsfn);
        if !delivered {
            // The environment is gone: nobody will settle these; drop them here.
            drop(std::mem::take(&mut *lock(&self.queue)));
        }
    }
}

thread_local! {
    /// The bridges of the environments on this thread, by env: one per thread as a rule, more
    /// when the addon is registered again in the same Node environment (each registration is
    /// an env of its own: the addon cleared from the require cache, two copies of dialtime
    /// sharing a platform package through symlinks). An entry leaves at its environment's
    /// teardown, so calls switching between registrations reuse their bridges instead of
    /// making a threadsafe function at every switch.
    static BRIDGES: RefCell<Vec<(usize, Arc<Shared>)>> = const { RefCell::new(Vec::new()) };
}

/// How many bridges (threadsafe functions) this process has made, for the tests.
static BRIDGES_MADE: AtomicUsize = AtomicUsize::new(0);

/// For the bridge tests only: how many completion queues this process has made (one per
/// registration of the addon in an environment, however calls switch between them).
#[doc(hidden)]
#[napi_derive::napi(js_name = "__bridgesMadeForTests", skip_typescript)]
pub fn bridges_made_for_tests() -> u32 {
    u32::try_from(BRIDGES_MADE.load(Ordering::Relaxed)).unwrap_or(u32::MAX)
}

/// This environment's bridge, made on first use.
fn bridge(env: &Env) -> Result<Arc<Shared>> {
    let key = env.raw() as usize;
    if let Some(shared) =
        BRIDGES.with_borrow(|b| b.iter().find(|(k, _)| *k == key).map(|(_, s)| s.clone()))
    {
        return Ok(shared);
    }
    let shared = Arc::new(Shared {
        queue: Mutex::new(Vec::new()),
        tsfn: Mutex::new(None),
        js_tsfn: AtomicPtr::new(ptr::null_mut()),
        pending: AtomicUsize::new(0),
    });
    let name = env.create_string("dialtime")?;
    let context = Arc::into_raw(shared.clone()).cast_mut().cast::<c_void>();
    let mut tsfn = ptr::null_mut();
    // SAFETY: a valid env on its thread; `context` is an Arc reference owned by the function
    // from here on and released by `finalize`.
    let status = unsafe {
        sys::napi_create_threadsafe_function(
            env.raw(),
            ptr::null_mut(),
            ptr::null_mut(),
            name.raw(),
            0,
            1,
            context,
            Some(finalize),
            context,
            Some(settle_queued),
            &mut tsfn,
        )
    };
    if status != sys::Status::napi_ok {
        // SAFETY: the function was not created, so the reference is still ours.
        drop(unsafe { Arc::from_raw(context.cast::<Shared>()) });
        return Err(napi::Error::from_reason(
            "dialtime: cannot create the completion queue",
        ));
    }
    *lock(&shared.tsfn) = Some(Tsfn(tsfn));
    shared.js_tsfn.store(tsfn, Ordering::Relaxed);
    // Idle, the bridge keeps nothing alive.
    // SAFETY: a valid env and the function just made on its thread.
    unsafe { sys::napi_unref_threadsafe_function(env.raw(), tsfn) };
    // Registered after the function, so it runs before the function's own cleanup (cleanup
    // hooks run last-in, first-out): from then on no thread calls it.
    let hook_arg = Arc::into_raw(shared.clone()).cast_mut().cast::<c_void>();
    // SAFETY: a valid env; the hook owns `hook_arg`'s reference.
    let hooked = unsafe { sys::napi_add_env_cleanup_hook(env.raw(), Some(torn_down), hook_arg) };
    if hooked == sys::Status::napi_ok {
        // Kept for the environment's later calls; the hook takes it out at teardown.
        BRIDGES.with_borrow_mut(|b| b.push((key, shared.clone())));
    } else {
        // SAFETY: the hook was not registered; the reference is still ours.
        drop(unsafe { Arc::from_raw(hook_arg.cast::<Shared>()) });
    }
    BRIDGES_MADE.fetch_add(1, Ordering::Relaxed);
    Ok(shared)
}

/// Environment teardown: nobody calls the threadsafe function any more.
unsafe extern "C" fn torn_down(arg: *mut c_void) {
    let _ = catch_unwind(|| {
        // SAFETY: `arg` is the hook's own Arc reference (see `bridge`), released here once.
        let shared = unsafe { Arc::from_raw(arg.cast::<Shared>()) };
        *lock(&shared.tsfn) = None;
        shared.js_tsfn.store(ptr::null_mut(), Ordering::Relaxed);
        // The hook runs on the environment's own thread, where its entry is.
        let _ = BRIDGES.try_with(|b| b.borrow_mut().retain(|(_, s)| !Arc::ptr_eq(s, &shared)));
    });
}

/// The threadsafe function is finalized: release its reference.
unsafe extern "C" fn finalize(_env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
    let _ = catch_unwind(|| {
        // SAFETY: `data` is the function's Arc reference (see `bridge`), released here once.
        let shared = unsafe { Arc::from_raw(data.cast::<Shared>()) };
        *lock(&shared.tsfn) = None;
        shared.js_tsfn.store(ptr::null_mut(), Ordering::Relaxed);
    });
}

/// On the JS thread, woken by the runtime thread: settles every queued promise.
unsafe extern "C" fn settle_queued(
    env: sys::napi_env,
    _js_callback: sys::napi_value,
    context: *mut c_void,
    _data: *mut c_void,
) {
    if env.is_null() || context.is_null() {
        return; // the environment is being torn down
    }
    let _ = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: `context` is the function's Arc reference, alive until `finalize`.
        let shared = unsafe { &*context.cast::<Shared>() };
        let queued = std::mem::take(&mut *lock(&shared.queue));
        let env = Env::from_raw(env);
        let mut settled = 0;
        for item in queued {
            match item {
                Item::Done(done) => {
                    settle_one(&env, done);
                    settled += 1;
                }
                Item::Job(job) => run_job(&env, job),
            }
        }
        if settled > 0 && shared.pending.fetch_sub(settled, Ordering::Relaxed) == settled {
            shared.set_ref(&env, false);
        }
    }));
}

/// Runs a job in a handle scope of its own; whatever it throws (a logger that fails) is
/// cleared, never left pending for unrelated code.
fn run_job(env: &Env, job: Job) {
    let raw = env.raw();
    let mut scope = ptr::null_mut();
    // SAFETY: a valid env on its thread; the scope is closed below.
    unsafe { sys::napi_open_handle_scope(raw, &mut scope) };
    let _ = catch_unwind(AssertUnwindSafe(|| job(env)));
    let _ = take_pending(env);
    // SAFETY: a valid env on its thread; the scope opened above.
    unsafe { sys::napi_close_handle_scope(raw, scope) };
}

/// Takes the exception pending in `env`, if any (on the JS thread). Checked first: with none
/// pending, napi hands back `undefined`, not nothing.
pub(crate) fn take_pending(env: &Env) -> Option<sys::napi_value> {
    let raw = env.raw();
    let mut pending = false;
    let mut thrown = ptr::null_mut();
    // SAFETY: a valid env on its thread.
    unsafe {
        sys::napi_is_exception_pending(raw, &mut pending);
        if pending {
            sys::napi_get_and_clear_last_exception(raw, &mut thrown);
        }
    }
    (pending && !thrown.is_null()).then_some(thrown)
}

/// What a promise is rejected with when its own reason could not be made: the internal
/// error, else what making it threw (the stack exhausted), else `undefined`; never a null
/// reason, which napi refuses (the promise would stay pending for good), and nothing left
/// pending.
fn last_resort(env: &Env) -> sys::napi_value {
    let raw = env.raw();
    let made = error::panicked(env);
    let reason = take_pending(env).or_else(|| {
        // SAFETY: a valid env on its thread.
        let made = unsafe { ToNapiValue::to_napi_value(raw, made) }.ok();
        take_pending(env).or(made.filter(|v| !v.is_null()))
    });
    reason.unwrap_or_else(|| {
        let mut undefined = ptr::null_mut();
        // SAFETY: a valid env on its thread.
        unsafe { sys::napi_get_undefined(raw, &mut undefined) };
        undefined
    })
}

/// A handle on this environment's JS thread, for jobs from any thread (log records).
#[derive(Clone)]
pub(crate) struct JsThread(Arc<Shared>);

impl JsThread {
    pub(crate) fn of(env: &Env) -> Result<JsThread> {
        bridge(env).map(JsThread)
    }

    /// Runs `job` on the JS thread soon; dropped if the environment is gone.
    pub(crate) fn post(&self, job: Job) {
        self.0.deliver(Item::Job(job));
    }
}

/// Resolves or rejects one promise, in a handle scope of its own; an exception raised on the
/// way (by a JS error constructor, say) rejects the promise instead of escaping.
fn settle_one(env: &Env, done: Done) {
    let raw = env.raw();
    let mut scope = ptr::null_mut();
    // SAFETY: a valid env on its thread; the scope is closed below.
    unsafe { sys::napi_open_handle_scope(raw, &mut scope) };
    let Done { deferred, settle } = done;
    let outcome = catch_unwind(AssertUnwindSafe(|| settle(env)))
        .unwrap_or_else(|_| Err(error::panicked(env)));
    // The exception the conversion left pending, if any.
    let thrown = take_pending(env).unwrap_or(ptr::null_mut());
    // SAFETY: `deferred` came from napi_create_promise in this env and is settled once.
    unsafe {
        match outcome {
            Ok(value) if thrown.is_null() => {
                sys::napi_resolve_deferred(raw, deferred.0, value);
            }
            outcome => {
                let reason = if thrown.is_null() {
                    outcome
                        .err()
                        .and_then(|e| ToNapiValue::to_napi_value(raw, e).ok())
                        .unwrap_or(ptr::null_mut())
                } else {
                    thrown
                };
                let reason = if reason.is_null() {
                    last_resort(env)
                } else {
                    reason
                };
                sys::napi_reject_deferred(raw, deferred.0, reason);
            }
        }
        sys::napi_close_handle_scope(raw, scope);
    }
}

/// A promise of `convert(outcome)`, where `work` yields the core's `Result`; `work` runs on
/// the runtime thread, `convert` on the JS thread.
pub(crate) fn promise<'env, T, V, F, C>(
    env: &'env Env,
    work: F,
    convert: C,
) -> Result<PromiseRaw<'env, V>>
where
    T: Send + 'static,
    V: ToNapiValue,
    F: Future<Output = dialtime::Result<T>> + Send + 'static,
    C: FnOnce(T) -> V + Send + 'static,
{
    promise_with_signal(env, None, None, work, convert)
}

/// What a call holds on the JS side until it settles: the strong reference that keeps its
/// logger (see `promise_with_signal`'s `keep`), and the `AbortSignal` it listens to with the
/// listener it gave it. Released on the JS thread when the call settles, or by [`Release`]
/// when it is never spawned.
struct Held {
    keep: Option<RawRef>,
    listening: Option<Listening>,
}

/// An `AbortSignal` and the listener it was given (`added` once `addEventListener` returned).
struct Listening {
    signal: RawRef,
    listener: RawRef,
    added: bool,
}

impl Held {
    /// Removes the listener (best effort) and deletes every reference; with `reason`, the
    /// signal's `reason` read first (null when there is none or it cannot be read).
    fn release(self, env: &Env, reason: bool) -> sys::napi_value {
        let mut read = ptr::null_mut();
        if let Some(r) = self.keep {
            r.delete(env);
        }
        if let Some(Listening {
            signal,
            listener,
            added,
        }) = self.listening
        {
            let raw_signal = signal.value(env);
            if added {
                let removed = crate::js::registered(env).is_ok_and(|r| {
                    let aborts = r.aborts.value(env);
                    call_method(env, aborts, "remove", &[raw_signal, listener.value(env)])
                });
                if !removed {
                    // Nothing may replace the call's own answer with an exception.
                    clear_exception(env);
                }
            }
            if reason {
                read = property(env, raw_signal, "reason");
                if read.is_null() {
                    clear_exception(env);
                }
            }
            signal.delete(env);
            listener.delete(env);
        }
        read
    }
}

/// Releases what a call holds unless it was spawned (`None`: then its settling does).
struct Release<'a>(&'a Env, Option<Arc<Mutex<Option<Held>>>>);

impl Drop for Release<'_> {
    fn drop(&mut self) {
        let held = self
            .1
            .take()
            .and_then(|h| h.lock().unwrap_or_else(|e| e.into_inner()).take());
        if let Some(held) = held {
            held.release(self.0, false);
        }
    }
}

/// Calls `obj[method](...args)` (on the JS thread); false when it threw or is no function.
pub(crate) fn call_method(
    env: &Env,
    obj: sys::napi_value,
    method: &str,
    args: &[sys::napi_value],
) -> bool {
    let raw = env.raw();
    let Ok(name) = std::ffi::CString::new(method) else {
        return false;
    };
    let mut f = ptr::null_mut();
    let mut out = ptr::null_mut();
    // SAFETY: a valid env on its thread and values of it.
    unsafe {
        sys::napi_get_named_property(raw, obj, name.as_ptr(), &mut f) == sys::Status::napi_ok
            && sys::napi_call_function(raw, obj, f, args.len(), args.as_ptr(), &mut out)
                == sys::Status::napi_ok
    }
}

/// Clears the exception a failed JavaScript call left pending (on the JS thread).
fn clear_exception(env: &Env) {
    let mut thrown = ptr::null_mut();
    // SAFETY: a valid env on its thread.
    unsafe { sys::napi_get_and_clear_last_exception(env.raw(), &mut thrown) };
}

/// A new promise and its deferred (on the JS thread).
fn new_promise(env: &Env) -> Result<(sys::napi_deferred, sys::napi_value)> {
    let mut deferred = ptr::null_mut();
    let mut promise = ptr::null_mut();
    // SAFETY: a valid env on its thread.
    let status = unsafe { sys::napi_create_promise(env.raw(), &mut deferred, &mut promise) };
    if status != sys::Status::napi_ok {
        return Err(napi::Error::from_reason(
            "dialtime: cannot create a promise",
        ));
    }
    Ok((deferred, promise))
}

/// `obj[name]` (on the JS thread); null when it cannot be read.
fn property(env: &Env, obj: sys::napi_value, name: &str) -> sys::napi_value {
    let mut v = ptr::null_mut();
    if let Ok(name) = std::ffi::CString::new(name) {
        // SAFETY: a valid env on its thread and a value of it.
        unsafe { sys::napi_get_named_property(env.raw(), obj, name.as_ptr(), &mut v) };
    }
    v
}

/// [`promise`], cancelled by `signal` (an `AbortSignal`): aborting drops the call's task on
/// the runtime, which closes its HTTP request, and rejects the promise with `signal.reason`
/// (as `fetch` does). An already aborted signal rejects at once, sending nothing.
pub(crate) fn promise_with_signal<'env, T, V, F, C>(
    env: &'env Env,
    signal: Option<Object<'_>>,
    keep: Option<RawRef>,
    work: F,
    convert: C,
) -> Result<PromiseRaw<'env, V>>
where
    T: Send + 'static,
    V: ToNapiValue,
    F: Future<Output = dialtime::Result<T>> + Send + 'static,
    C: FnOnce(T) -> V + Send + 'static,
{
    // Released on every path that returns before the call is spawned.
    let held = Arc::new(Mutex::new(Some(Held {
        keep,
        listening: None,
    })));
    let mut release = Release(env, Some(Arc::clone(&held)));
    // Started here, before the promise exists, so that the spawn below cannot fail.
    dialtime::__private::runtime::handle().map_err(|e| error::to_js(env, &e))?;
    let shared = bridge(env)?;
    // Boxed once: the wrappers below and the spawn move a pointer, not the whole exchange.
    let work = Box::pin(work);
    // The signal is read before the promise exists: a signal that cannot be listened to throws
    // synchronously and leaves no promise that would never settle.
    let work = match signal {
        None => futures_util::future::Either::Left(work.map(Ok)),
        Some(signal) => {
            let raw_signal = signal.raw();
            let aborted = property(env, raw_signal, "aborted");
            if aborted.is_null() {
                return Err(crate::options::type_error_from_thrown(
                    env,
                    "signal must be an AbortSignal (reading its aborted property threw)",
                ));
            }
            let mut is_aborted = false;
            // SAFETY: a valid env; a non-boolean leaves `is_aborted` false.
            unsafe { sys::napi_get_value_bool(env.raw(), aborted, &mut is_aborted) };
            if is_aborted {
                // Rejected at once with the signal's reason, sending nothing.
                let mut reason = property(env, raw_signal, "reason");
                if reason.is_null() {
                    clear_exception(env);
                    reason = env
                        .create_error(napi::Error::from_reason("This operation was aborted"))?
                        .raw();
                }
                let (deferred, promise) = new_promise(env)?;
                // SAFETY: the deferred just made, settled once.
                unsafe { sys::napi_reject_deferred(env.raw(), deferred, reason) };
                return Ok(PromiseRaw::new(env.raw(), promise));
            }
            let (abortable, handle) = futures_util::future::abortable(work);
            let listener = env.create_function_from_closure::<(), (), _>("abort", move |_| {
                handle.abort();
                Ok(())
            })?;
            let signal_ref = RawRef::new(env, raw_signal)?;
            let listener_ref = match RawRef::new(env, listener.raw()) {
                Ok(r) => r,
                Err(e) => {
                    signal_ref.delete(env);
                    return Err(e);
                }
            };
            let listening = Listening {
                signal: signal_ref,
                listener: listener_ref,
                added: false,
            };
            if let Some(h) = held.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
                h.listening = Some(listening);
            }
            // Through index.js's registry: one listener per signal (a listener per call made
            // Node warn of a leak past 10 calls sharing a signal).
            let aborts = crate::js::registered(env)?.aborts.value(env);
            if !call_method(env, aborts, "add", &[raw_signal, listener.raw()]) {
                // What `addEventListener` threw is the TypeError's `cause`, not left pending.
                return Err(crate::options::type_error_from_thrown(
                    env,
                    "signal must be an AbortSignal (its addEventListener is missing or threw)",
                ));
            }
            if let Some(h) = held.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
                if let Some(l) = h.listening.as_mut() {
                    l.added = true;
                }
            }
            futures_util::future::Either::Right(abortable)
        }
    };
    let (deferred, promise) = new_promise(env)?;
    if shared.pending.fetch_add(1, Ordering::Relaxed) == 0 {
        shared.set_ref(env, true);
    }
    /// Takes the count back if the spawn below does not return (a panic): a call counted
    /// but never delivered kept the event loop alive forever.
    struct Counted<'a>(&'a Shared, &'a Env);
    impl Drop for Counted<'_> {
        fn drop(&mut self) {
            if self.0.pending.fetch_sub(1, Ordering::Relaxed) == 1 {
                self.0.set_ref(self.1, false);
            }
        }
    }
    let counting = Arc::clone(&shared);
    let counted = Counted(&counting, env);
    let deferred = Deferred(deferred);
    let settling = Arc::clone(&held);
    // Cannot fail: the runtime was started above, in this process (were it to, `counted`
    // takes the count back and `release` what the call holds).
    let spawned = crate::event_loop::spawn(env, async move {
        let caught = AssertUnwindSafe(work).catch_unwind().await;
        let settle: Settle = Box::new(move |env: &Env| {
            // The signal's reason when it aborted the call; the listener is removed and the
            // logger let go either way.
            let held = settling.lock().unwrap_or_else(|e| e.into_inner()).take();
            let reason = match held {
                Some(held) => held.release(env, matches!(caught, Ok(Err(_)))),
                None => ptr::null_mut(),
            };
            match caught {
                Err(_) => Err(error::panicked(env)),
                Ok(Err(_aborted)) => {
                    if reason.is_null() {
                        return Err(napi::Error::from_reason("This operation was aborted"));
                    }
                    // Rejected with the reason itself: `settle_one` rejects with what is
                    // thrown.
                    // SAFETY: a valid env on its thread and a value of it.
                    unsafe { sys::napi_throw(env.raw(), reason) };
                    Ok(ptr::null_mut())
                }
                Ok(Ok(Err(e))) => Err(error::to_js(env, &e)),
                Ok(Ok(Ok(value))) => {
                    // SAFETY: a valid env on its thread.
                    unsafe { V::to_napi_value(env.raw(), convert(value)) }
                }
            }
        });
        shared.deliver(Item::Done(Done { deferred, settle }));
    });
    if let Err(e) = spawned {
        return Err(error::to_js(env, &e));
    }
    // Spawned: its delivery takes the count back (`counted` only borrows, so forgetting it
    // keeps nothing alive; it held an `Arc` once, and each call leaked a count of it).
    std::mem::forget(counted);
    // Spawned: its settling releases what it holds.
    release.1 = None;
    Ok(PromiseRaw::new(env.raw(), promise))
}

/// Runs the synchronous part of an export behind the panic boundary: a panic becomes a thrown
/// `DialtimeError`.
pub(crate) fn guard<T>(env: &Env, f: impl FnOnce() -> Result<T>) -> Result<T> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| Err(error::panicked(env)))
}
