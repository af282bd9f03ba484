//! Per-attempt logs for C: one callback for the process (dialtime_set_logger), else
//! DIALTIME_LOG (debug, info) to stderr. Lines never contain the token or a header value.

use std::cell::Cell;
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
/// dialtime call from it (it would fail with DIALTIME_STATUS_CONFIG). Nor wait in it for a
/// lock that another thread may hold while it makes a dialtime call: that call may be driven
/// by the thread running the callback, and neither would end. It must not throw a C++
/// exception or longjmp out: the process aborts (dialtime::set_logger of dialtime.hpp catches
/// what a C++ callback throws).
pub type dialtime_log_callback = Option<
    unsafe extern "C" fn(level: dialtime_log_level, line: *const c_char, user_data: *mut c_void),
>;

/// The callback and its user data (an address, carried to the thread driving the call).
type Sink = (
    unsafe extern "C" fn(dialtime_log_level, *const c_char, *mut c_void),
    usize,
);

/// The logger's state, one per fork generation: a child forked while another thread held one
/// of these locks would wait forever for a thread it does not have (the old state is leaked,
/// never used again; the child starts with the parent's sink when it was not being changed).
struct State {
    generation: u64,
    /// Held while the callback runs, so that calls driven on several threads at once log one
    /// at a time, and so that `dialtime_set_logger` can wait for a callback in progress.
    calling: Mutex<()>,
    sink: RwLock<Option<Sink>>,
}

static STATE: AtomicPtr<State> = AtomicPtr::new(std::ptr::null_mut());

thread_local! {
    /// Whether this thread is inside the callback (which may itself call dialtime_set_logger).
    static IN_CALLBACK: Cell<bool> = const { Cell::new(false) };
}

fn state() -> &'static State {
    let generation = dialtime::__private::runtime::fork_generation();
    loop {
        let seen = STATE.load(Ordering::Acquire);
        // SAFETY: NULL or a pointer from Box::into_raw, never freed.
        let previous = unsafe { seen.as_ref() };
        if let Some(s) = previous {
            if s.generation == generation {
                return s;
            }
        }
        let sink = previous.and_then(|s| s.sink.try_read().ok().and_then(|sink| *sink));
        let fresh = Box::into_raw(Box::new(State {
            generation,
            calling: Mutex::new(()),
            sink: RwLock::new(sink),
        }));
        match STATE.compare_exchange(seen, fresh, Ordering::AcqRel, Ordering::Acquire) {
            // SAFETY: just leaked, never freed.
            Ok(_) => return unsafe { &*fresh },
            // SAFETY: never shared.
            Err(_) => drop(unsafe { Box::from_raw(fresh) }),
        }
    }
}

/// Sends every client's per-attempt log lines (method, path, status or error kind, attempt,
/// duration, request id) to `callback` with `user_data`, from every level up. NULL turns it
/// off. Replaces DIALTIME_LOG's stderr output while set. Returns once no call is running the
/// previous callback any more (except when called from that callback itself): from then on
/// the previous `user_data` is not used and may be freed. So never call it while holding a
/// lock that the callback takes: it would wait for a callback waiting for that lock.
#[no_mangle]
pub extern "C" fn dialtime_set_logger(callback: dialtime_log_callback, user_data: *mut c_void) {
    let state = state();
    *state.sink.write().unwrap_or_else(|e| e.into_inner()) =
        callback.map(|f| (f, user_data as usize));
    if !IN_CALLBACK.with(Cell::get) {
        // A callback in progress runs to its end first; the next one reads the new sink.
        drop(state.calling.lock().unwrap_or_else(|e| e.into_inner()));
    }
}

struct CLogger {
    env: Option<StderrLogger>,
}

impl Logger for CLogger {
    fn enabled(&self, level: Level) -> bool {
        state().sink.read().map(|s| s.is_some()).unwrap_or(false)
            || self.env.is_some_and(|e| e.enabled(level))
    }

    fn log(&self, record: &Attempt<'_>) {
        let state = state();
        let sink = *state.sink.read().unwrap_or_else(|e| e.into_inner());
        match sink {
            Some(_) => {
                let level = match record.level {
                    Level::Debug => dialtime_log_level::Debug,
                    Level::Info => dialtime_log_level::Info,
                };
                let Ok(line) = CString::new(record.to_string()) else {
                    return;
                };
                let _one_at_a_time = state.calling.lock().unwrap_or_else(|e| e.into_inner());
                // Read again under the lock: dialtime_set_logger may have replaced it while
                // this thread waited, and has returned (its caller may free the old user_data).
                let sink = *state.sink.read().unwrap_or_else(|e| e.into_inner());
                if let Some((callback, user_data)) = sink {
                    IN_CALLBACK.with(|c| c.set(true));
                    // SAFETY: the caller registered a function of this signature, and keeps
                    // user_data valid while it is registered (header contract).
                    unsafe { callback(level, line.as_ptr(), user_data as *mut c_void) };
                    IN_CALLBACK.with(|c| c.set(false));
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
