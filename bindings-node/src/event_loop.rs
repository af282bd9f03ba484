//! The first Node environment to make a call drives dialtime's runtime on its own JS thread
//! (core's `EventLoop`): a call's exchange runs there until its request is written, and
//! libuv watches the runtime's reactor descriptor (`uv_poll`), so the answer is read and
//! decoded on the JS thread too, between two turns of JavaScript: no thread hand-off. The
//! outcome still reaches JavaScript through the environment's threadsafe function (`call.rs`),
//! which settles promises in a proper callback scope.
//!
//! libuv is reached through `dlsym` (Node exports it; a runtime that does not simply keeps the
//! runtime's own driver thread), and the poll handle is closed by an async cleanup hook, so the
//! environment's loop never closes with it open. The handle is unref'd: pending calls keep the
//! loop alive through the threadsafe function, as before. Other environments (workers) use
//! the driver thread; once the owning environment is torn down, the next one to call claims
//! the runtime.

use std::cell::RefCell;
use std::ffi::{c_int, c_void, CStr};
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::OnceLock;

use dialtime::__private::runtime::EventLoop;
use napi::bindgen_prelude::*;
use napi::sys;
use tokio::task::JoinHandle;

/// libuv's `UV_READABLE`.
const UV_READABLE: c_int = 1;
/// libuv's `UV_POLL` handle type.
const UV_POLL: c_int = 8;

type PollCb = unsafe extern "C" fn(handle: *mut c_void, status: c_int, events: c_int);
type CloseCb = unsafe extern "C" fn(handle: *mut c_void);
type CleanupHook = unsafe extern "C" fn(handle: *mut c_void, arg: *mut c_void);

type HandleSize = unsafe extern "C" fn(c_int) -> usize;
type PollInit = unsafe extern "C" fn(*mut sys::uv_loop_s, *mut c_void, c_int) -> c_int;
type PollStart = unsafe extern "C" fn(*mut c_void, c_int, PollCb) -> c_int;
type HandleOp = unsafe extern "C" fn(*mut c_void) -> c_int;
type Close = unsafe extern "C" fn(*mut c_void, CloseCb);
type Unref = unsafe extern "C" fn(*mut c_void);
type AddHook =
    unsafe extern "C" fn(sys::napi_env, CleanupHook, *mut c_void, *mut *mut c_void) -> c_int;

/// The libuv and Node-API functions this needs, found in the process.
struct Uv {
    handle_size: HandleSize,
    poll_init: PollInit,
    poll_start: PollStart,
    poll_stop: HandleOp,
    close: Close,
    unref: Unref,
    add_async_cleanup_hook: AddHook,
    remove_async_cleanup_hook: HandleOp,
}

fn find(name: &CStr) -> Option<*mut c_void> {
    // SAFETY: a NUL-terminated name; RTLD_DEFAULT searches the process's global symbols.
    let f = unsafe { libc::dlsym(libc::RTLD_DEFAULT, name.as_ptr()) };
    (!f.is_null()).then_some(f)
}

/// `name`'s function as `$t`.
macro_rules! function {
    ($name:literal, $t:ty) => {
        // SAFETY: the symbol is the C function of that name, whose signature is `$t` in
        // libuv's and Node-API's stable ABI.
        unsafe { std::mem::transmute::<*mut c_void, $t>(find($name)?) }
    };
}

fn uv() -> Option<&'static Uv> {
    static UV: OnceLock<Option<Uv>> = OnceLock::new();
    UV.get_or_init(|| {
        Some(Uv {
            handle_size: function!(c"uv_handle_size", HandleSize),
            poll_init: function!(c"uv_poll_init", PollInit),
            poll_start: function!(c"uv_poll_start", PollStart),
            poll_stop: function!(c"uv_poll_stop", HandleOp),
            close: function!(c"uv_close", Close),
            unref: function!(c"uv_unref", Unref),
            add_async_cleanup_hook: function!(c"napi_add_async_cleanup_hook", AddHook),
            remove_async_cleanup_hook: function!(c"napi_remove_async_cleanup_hook", HandleOp),
        })
    })
    .as_ref()
}

/// Whether this is Node itself (`process.versions.node`, and neither Bun nor Deno, which
/// implement Node-API but may export libuv's names as stubs).
fn is_node(env: &Env) -> bool {
    thread_local! {
        static IS_NODE: std::cell::Cell<Option<bool>> = const { std::cell::Cell::new(None) };
    }
    if let Some(known) = IS_NODE.get() {
        return known;
    }
    let known = looks_like_node(env);
    IS_NODE.set(Some(known));
    known
}

fn looks_like_node(env: &Env) -> bool {
    use napi::bindgen_prelude::{JsObjectValue, Object, Unknown};
    let versions = || -> Option<Object<'_>> {
        let process: Object<'_> = env.get_global().ok()?.get_named_property("process").ok()?;
        process.get_named_property("versions").ok()
    };
    let Some(versions) = versions() else {
        return false;
    };
    let has = |name: &str| {
        versions
            .get_named_property::<Unknown<'_>>(name)
            .ok()
            .and_then(|v| v.get_type().ok())
            .is_some_and(|t| t != ValueType::Undefined)
    };
    has("node") && !has("bun") && !has("deno")
}

/// The claim of the environment running on this thread, with its poll handle.
struct Owner {
    claim: EventLoop,
    /// The environment that owns it.
    env: usize,
    /// The `uv_poll_t` (libuv's memory layout, `handle_size` bytes, freed on close).
    handle: *mut c_void,
    /// Whether the handle is started.
    watching: bool,
}

thread_local! {
    static OWNER: RefCell<Option<Owner>> = const { RefCell::new(None) };
}

/// The memory of a poll handle: `u64`s, so it is aligned for every field.
fn allocate(bytes: usize) -> *mut c_void {
    let words = bytes.div_ceil(8).max(1);
    Box::into_raw(vec![0u64; words].into_boxed_slice()).cast()
}

/// Frees what [`allocate`] gave.
///
/// # Safety
/// `handle` came from `allocate(bytes)` and is no longer used by libuv.
unsafe fn free(handle: *mut c_void, bytes: usize) {
    let words = bytes.div_ceil(8).max(1);
    // SAFETY: the same pointer and length `allocate` boxed.
    drop(unsafe {
        Box::from_raw(std::ptr::slice_from_raw_parts_mut(
            handle.cast::<u64>(),
            words,
        ))
    });
}

/// What the async cleanup hook and the close callback need (the handle's `data`).
struct Closing {
    bytes: usize,
    remove: *mut c_void,
}

impl Owner {
    /// Claims the runtime for `env` and makes (unstarted, unref'd) its poll handle; `None`
    /// when another loop has it or libuv is out of reach.
    fn start(env: &Env) -> Option<Owner> {
        if !is_node(env) {
            return None;
        }
        let uv = uv()?;
        let claim = EventLoop::claim()?;
        let mut uv_loop = std::ptr::null_mut();
        // SAFETY: a valid env on its thread.
        let status = unsafe { sys::napi_get_uv_event_loop(env.raw(), &mut uv_loop) };
        if status != sys::Status::napi_ok || uv_loop.is_null() {
            return None;
        }
        // SAFETY: libuv's function; UV_POLL is a valid handle type.
        let bytes = unsafe { (uv.handle_size)(UV_POLL) };
        if bytes < std::mem::size_of::<*mut c_void>() {
            return None;
        }
        let handle = allocate(bytes);
        // SAFETY: a loop of this thread, handle memory of libuv's size, the runtime's fd.
        if unsafe { (uv.poll_init)(uv_loop, handle, claim.fd()) } != 0 {
            // SAFETY: libuv did not take the handle.
            unsafe { free(handle, bytes) };
            return None;
        }
        // SAFETY: an initialized handle of this loop.
        unsafe { (uv.unref)(handle) };
        let closing = Box::into_raw(Box::new(Closing {
            bytes,
            remove: std::ptr::null_mut(),
        }));
        // `data` is the first field of every libuv handle.
        // SAFETY: the handle's memory is at least a pointer long (checked above).
        unsafe { *handle.cast::<*mut c_void>() = closing.cast() };
        // SAFETY: a valid env; the hook gets the handle, which outlives it (closed by it).
        let hooked = unsafe {
            (uv.add_async_cleanup_hook)(env.raw(), torn_down, handle, &mut (*closing).remove)
        };
        if hooked != 0 {
            // No way to close it in time at teardown: close it now, and do without.
            // SAFETY: an initialized, unstarted handle; `closed` frees it and `closing`.
            unsafe { (uv.close)(handle, closed) };
            return None;
        }
        Some(Owner {
            claim,
            env: env.raw() as usize,
            handle,
            watching: false,
        })
    }

    /// Starts watching the reactor (again).
    fn watch(&mut self) -> bool {
        if self.watching {
            return true;
        }
        let Some(uv) = uv() else { return false };
        // SAFETY: this thread's initialized handle.
        if unsafe { (uv.poll_start)(self.handle, UV_READABLE, readable) } != 0 {
            return false;
        }
        self.watching = true;
        self.claim.set_watching(true);
        true
    }

    /// Stops watching until the next call (a blocking call drives the runtime elsewhere).
    fn unwatch(&mut self) {
        if let Some(uv) = uv() {
            // SAFETY: this thread's initialized handle.
            unsafe { (uv.poll_stop)(self.handle) };
        }
        self.watching = false;
        self.claim.set_watching(false);
    }
}

/// Spawns `work` on dialtime's runtime from `env`'s JS thread: driven right here when this
/// environment owns the runtime (or can claim it now), else by the runtime's driver thread.
pub(crate) fn spawn<F>(env: &Env, work: F) -> dialtime::Result<JoinHandle<F::Output>>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let key = env.raw() as usize;
    // Asked before OWNER is borrowed: the first answer reads `process.versions`, JavaScript
    // that may call dialtime again (a getter) and reach this borrow (it panicked).
    is_node(env);
    let owned = OWNER.with_borrow_mut(|owner| {
        if owner.is_none() {
            *owner = Owner::start(env);
        }
        match owner.as_mut() {
            Some(o) if o.env == key => o.watch(),
            _ => false,
        }
    });
    if !owned {
        return dialtime::__private::runtime::spawn(work);
    }
    // Borrowed (shared) while driving: the drive runs Rust tasks only, and libuv's callback
    // cannot run during a JavaScript call.
    OWNER.with_borrow(|o| match o.as_ref() {
        Some(o) => o.claim.spawn(work),
        None => dialtime::__private::runtime::spawn(work),
    })
}

/// libuv's poll callback: the reactor's descriptor is readable (on the JS thread).
unsafe extern "C" fn readable(_handle: *mut c_void, status: c_int, _events: c_int) {
    let _ = catch_unwind(AssertUnwindSafe(|| {
        let driven = OWNER.with_borrow(|o| o.as_ref().map(|o| status >= 0 && o.claim.ready()));
        if driven == Some(false) {
            OWNER.with_borrow_mut(|o| {
                if let Some(o) = o.as_mut() {
                    o.unwatch();
                }
            });
        }
    }));
}

/// The environment's async cleanup hook: stops watching, gives the runtime back to the
/// driver thread, closes the handle (the hook is removed once it is closed).
unsafe extern "C" fn torn_down(_remove: *mut c_void, handle: *mut c_void) {
    // Whatever happens to the claim, the handle is closed: Node waits for this hook's
    // removal (in `closed`) before it finishes the environment.
    let _ = catch_unwind(AssertUnwindSafe(|| {
        let owner = OWNER
            .try_with(|o| o.try_borrow_mut().ok().and_then(|mut o| o.take()))
            .ok()
            .flatten();
        drop(owner);
    }));
    if let Some(uv) = uv() {
        // SAFETY: the handle made in `Owner::start`, on this thread; `closed` frees it.
        unsafe {
            (uv.poll_stop)(handle);
            (uv.close)(handle, closed);
        }
    }
}

/// libuv closed the handle: free it, and let Node finish the environment's teardown.
unsafe extern "C" fn closed(handle: *mut c_void) {
    let _ = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: `data` holds the `Closing` box made in `Owner::start`, taken once here.
        let closing = unsafe { Box::from_raw((*handle.cast::<*mut c_void>()).cast::<Closing>()) };
        // SAFETY: libuv is done with the handle; it came from `allocate(bytes)`.
        unsafe { free(handle, closing.bytes) };
        if !closing.remove.is_null() {
            if let Some(uv) = uv() {
                // SAFETY: the hook's own handle, removed once.
                unsafe { (uv.remove_async_cleanup_hook)(closing.remove) };
            }
        }
    }));
}
