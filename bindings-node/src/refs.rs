//! References from native code to JavaScript values (`napi_ref`): a call's logger and
//! `AbortSignal`, a cursor's signal, a client's logger, what `index.js` registered.
//!
//! Node reclaims none of them when an environment ends (a worker thread terminated, the
//! process exiting): a reference is the addon's to delete, on the environment's thread, and
//! the code that would delete one may never run again — a call in flight when its worker is
//! terminated is never settled, a log job never delivered. So every reference is listed per
//! environment from the moment it is made, and what is still listed at the environment's
//! teardown is deleted then (a cleanup hook, which runs while the environment is whole);
//! a later `delete` of a reference already reclaimed is a no-op, so a class finalizer that
//! runs after the hook cannot delete one twice.

use std::cell::RefCell;
use std::collections::HashSet;
use std::ffi::c_void;
use std::panic::catch_unwind;
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};

use napi::bindgen_prelude::*;
use napi::sys;

thread_local! {
    /// The references each environment on this thread holds, by env (one environment per
    /// thread as a rule; more when the addon is registered again in one Node environment).
    static LIVE: RefCell<Vec<(usize, HashSet<usize>)>> = const { RefCell::new(Vec::new()) };
}

/// A napi reference, carried by other threads and only used on the JS thread that made it.
/// Dropped without [`RawRef::delete`] (on another thread, or after its environment ended),
/// it is reclaimed with its environment.
pub(crate) struct RawRef(sys::napi_ref);
// SAFETY: only dereferenced and deleted by napi on the JS thread that created it.
unsafe impl Send for RawRef {}

impl RawRef {
    /// A strong reference to `value` (on the JS thread).
    pub(crate) fn new(env: &Env, value: sys::napi_value) -> Result<RawRef> {
        RawRef::counted(env, value, 1)
    }

    /// A weak reference to `value` (on the JS thread): it does not keep the value alive.
    pub(crate) fn weak(env: &Env, value: sys::napi_value) -> Result<RawRef> {
        RawRef::counted(env, value, 0)
    }

    fn counted(env: &Env, value: sys::napi_value, count: u32) -> Result<RawRef> {
        let mut r = ptr::null_mut();
        // SAFETY: a valid env and value on its thread.
        let status = unsafe { sys::napi_create_reference(env.raw(), value, count, &mut r) };
        if status != sys::Status::napi_ok {
            return Err(napi::Error::from_reason(
                "dialtime: cannot keep a reference",
            ));
        }
        if !track(env.raw(), r) {
            // SAFETY: just made in this env and never handed out.
            unsafe { sys::napi_delete_reference(env.raw(), r) };
            return Err(napi::Error::from_reason(
                "dialtime: cannot keep a reference (no cleanup hook for this environment)",
            ));
        }
        Ok(RawRef(r))
    }

    /// The referenced value (on the JS thread that made it); null if it is gone.
    pub(crate) fn value(&self, env: &Env) -> sys::napi_value {
        let mut v = ptr::null_mut();
        // SAFETY: a reference made in this env; while the env lives (the only time its JS
        // thread runs our code) the reference is not reclaimed.
        unsafe { sys::napi_get_reference_value(env.raw(), self.0, &mut v) };
        v
    }

    /// Deletes the reference (on the JS thread that made it), unless its environment's
    /// teardown already did.
    pub(crate) fn delete(self, env: &Env) {
        if untrack(env.raw(), self.0) {
            // SAFETY: made in this env and still listed, so not deleted yet; listed once, so
            // deleted once.
            unsafe { sys::napi_delete_reference(env.raw(), self.0) };
        }
    }
}

/// How many references the addon holds in this process (every environment, every thread).
static HELD: AtomicUsize = AtomicUsize::new(0);

/// For the teardown tests only: how many references the addon holds in this process (made and
/// not yet deleted, in every environment).
#[doc(hidden)]
#[napi_derive::napi(js_name = "__referencesForTests", skip_typescript)]
pub fn references_for_tests() -> u32 {
    u32::try_from(HELD.load(Ordering::Relaxed)).unwrap_or(u32::MAX)
}

/// Lists `r` under `env`; the environment's first reference registers the hook that
/// reclaims them all. False when the hook cannot be registered.
fn track(env: sys::napi_env, r: sys::napi_ref) -> bool {
    let key = env as usize;
    let tracked = LIVE.with_borrow_mut(|l| {
        if let Some((_, set)) = l.iter_mut().find(|(k, _)| *k == key) {
            set.insert(r as usize);
            return true;
        }
        // SAFETY: a valid env on its thread; the hook's argument is the env itself, valid
        // while its cleanup hooks run (napi's own teardown hook was registered before the
        // addon loaded, so it runs after this one).
        let hooked = unsafe { sys::napi_add_env_cleanup_hook(env, Some(reclaim), env.cast()) };
        if hooked != sys::Status::napi_ok {
            return false;
        }
        l.push((key, HashSet::from([r as usize])));
        true
    });
    if tracked {
        HELD.fetch_add(1, Ordering::Relaxed);
    }
    tracked
}

/// Takes `r` off `env`'s list; false when it is not there (reclaimed at teardown).
fn untrack(env: sys::napi_env, r: sys::napi_ref) -> bool {
    let key = env as usize;
    let listed = LIVE.with_borrow_mut(|l| {
        l.iter_mut()
            .find(|(k, _)| *k == key)
            .is_some_and(|(_, set)| set.remove(&(r as usize)))
    });
    if listed {
        HELD.fetch_sub(1, Ordering::Relaxed);
    }
    listed
}

/// Environment teardown: deletes every reference still listed.
unsafe extern "C" fn reclaim(arg: *mut c_void) {
    let _ = catch_unwind(|| {
        let env: sys::napi_env = arg.cast();
        let key = env as usize;
        let listed = LIVE
            .try_with(|l| {
                let mut l = l.borrow_mut();
                let at = l.iter().position(|(k, _)| *k == key)?;
                Some(l.swap_remove(at).1)
            })
            .ok()
            .flatten();
        for r in listed.into_iter().flatten() {
            // SAFETY: listed, so made in this env and not deleted yet; the env is whole while
            // its cleanup hooks run.
            unsafe { sys::napi_delete_reference(env, r as sys::napi_ref) };
            HELD.fetch_sub(1, Ordering::Relaxed);
        }
    });
}
