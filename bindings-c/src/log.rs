//! Per-attempt logs for C: one callback for the process (dialtime_set_logger), else
//! DIALTIME_LOG (debug, info) to stderr. Lines never contain the token or a header value.

use std::ffi::{c_char, c_void, CString};
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use dialtime::client::log::{Attempt, Level, Logger, StderrLogger};

/// How much a log line matters.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum dialtime_log_level {
    /// Every attempt of a call.
    Debug = 1,
    /// An attempt that failed and is retried.
    Info = 2,
}

/// A log callback: the level, one line (NUL-terminated, borrowed for the duration of the
/// call only), and the user_data given to dialtime_set_logger. Called on the thread that
/// drives the call (the calling thread itself, or another thread whose call runs at the same
/// time, or dialtime's own thread), never twice at once: return quickly, and never make a
/// dialtime call from it (it would fail with DIALTIME_ERROR_CONFIG).
pub type dialtime_log_callback = Option<
    unsafe extern "C" fn(level: dialtime_log_level, line: *const c_char, user_data: *mut c_void),
>;

/// The callback and its user data (an address, carried to the thread driving the call).
static SINK: RwLock<
    Option<(
        unsafe extern "C" fn(dialtime_log_level, *const c_char, *mut c_void),
        usize,
    )>,
> = RwLock::new(None);

/// Sends every client's per-attempt log lines (method, path, status or error kind, attempt,
/// duration, request id) to `callback` with `user_data`, from every level up. NULL turns it
/// off. Replaces DIALTIME_LOG's stderr output while set. `user_data` must stay valid until
/// the callback is replaced or turned off.
#[no_mangle]
pub extern "C" fn dialtime_set_logger(callback: dialtime_log_callback, user_data: *mut c_void) {
    let mut sink = SINK.write().unwrap_or_else(|e| e.into_inner());
    *sink = callback.map(|f| (f, user_data as usize));
}

/// Held while the callback runs, so that calls driven on several threads at once log one at
/// a time. One lock per fork generation: a child forked while another thread held it would
/// wait forever for a thread it does not have (the old lock is leaked, never used again).
static CALLING: AtomicPtr<(u64, Mutex<()>)> = AtomicPtr::new(std::ptr::null_mut());

fn calling() -> &'static Mutex<()> {
    let generation = dialtime::__private::runtime::fork_generation();
    loop {
        let seen = CALLING.load(Ordering::Acquire);
        // SAFETY: NULL or a pointer from Box::into_raw, never freed.
        if let Some((g, lock)) = unsafe { seen.as_ref() } {
            if *g == generation {
                return lock;
            }
        }
        let fresh = Box::into_raw(Box::new((generation, Mutex::new(()))));
        match CALLING.compare_exchange(seen, fresh, Ordering::AcqRel, Ordering::Acquire) {
            // SAFETY: just leaked, never freed.
            Ok(_) => return unsafe { &(*fresh).1 },
            // SAFETY: never shared.
            Err(_) => drop(unsafe { Box::from_raw(fresh) }),
        }
    }
}

struct CLogger {
    env: Option<StderrLogger>,
}

impl Logger for CLogger {
    fn enabled(&self, level: Level) -> bool {
        SINK.read().map(|s| s.is_some()).unwrap_or(false)
            || self.env.is_some_and(|e| e.enabled(level))
    }

    fn log(&self, record: &Attempt<'_>) {
        let sink = *SINK.read().unwrap_or_else(|e| e.into_inner());
        match sink {
            Some((callback, user_data)) => {
                let level = match record.level {
                    Level::Debug => dialtime_log_level::Debug,
                    Level::Info => dialtime_log_level::Info,
                };
                if let Ok(line) = CString::new(record.to_string()) {
                    let _one_at_a_time = calling().lock().unwrap_or_else(|e| e.into_inner());
                    // SAFETY: the caller registered a function of this signature, and keeps
                    // user_data valid while it is registered (header contract).
                    unsafe { callback(level, line.as_ptr(), user_data as *mut c_void) };
                }
            }
            None => {
                if let Some(env) = &self.env {
                    if env.enabled(record.level) {
                        env.log(record);
                    }
                }
            }
        }
    }
}

/// Every C client logs through the callback, else DIALTIME_LOG.
pub(crate) fn configure(builder: dialtime::ClientBuilder) -> dialtime::ClientBuilder {
    let env = Level::from_env().map(|level| StderrLogger { level });
    builder.logger(Arc::new(CLogger { env }))
}
