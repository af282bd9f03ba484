//! The boundary helpers every export uses: argument checks, the panic guard, outputs.

use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

use super::error::{dialtime_error, dialtime_status};

/// Why an export failed.
pub(crate) enum Failure {
    Core(dialtime::Error),
    /// NULL, not UTF-8, or out of range; the message names the argument.
    InvalidArgument(String),
}

impl From<dialtime::Error> for Failure {
    fn from(e: dialtime::Error) -> Self {
        Failure::Core(e)
    }
}

pub(crate) type FfiResult<T> = Result<T, Failure>;

/// Runs `f` behind the panic boundary; a failure is reported through `err` (when not NULL),
/// which is set to NULL first (a C caller's `goto out` frees it whatever happened).
pub(crate) fn guard(
    err: *mut *mut dialtime_error,
    f: impl FnOnce() -> FfiResult<()>,
) -> dialtime_status {
    if !err.is_null() {
        // SAFETY: the caller passes a writable `dialtime_error *` slot (header contract).
        unsafe { *err = std::ptr::null_mut() };
    }
    let error = match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => return dialtime_status::Ok,
        Ok(Err(failure)) => dialtime_error::from_failure(failure),
        Err(_) => dialtime_error::panicked(),
    };
    let status = error.kind;
    if !err.is_null() {
        // SAFETY: the caller passes a writable `dialtime_error *` slot (header contract).
        unsafe { *err = Box::into_raw(Box::new(error)) };
    }
    status
}

/// A required string argument.
pub(crate) unsafe fn str_arg<'a>(name: &str, p: *const c_char) -> FfiResult<&'a str> {
    if p.is_null() {
        return Err(invalid(format!("{name} must not be NULL")));
    }
    // SAFETY: non-NULL and NUL-terminated (header contract).
    unsafe { CStr::from_ptr(p) }
        .to_str()
        .map_err(|_| invalid(format!("{name} is not valid UTF-8")))
}

/// An optional string argument: NULL means "not set".
pub(crate) unsafe fn opt_str_arg<'a>(name: &str, p: *const c_char) -> FfiResult<Option<&'a str>> {
    if p.is_null() {
        Ok(None)
    } else {
        unsafe { str_arg(name, p) }.map(Some)
    }
}

/// A required handle.
pub(crate) unsafe fn handle<'a, T>(name: &str, p: *const T) -> FfiResult<&'a T> {
    // SAFETY: a non-NULL handle was made by this library and not yet freed (header contract).
    unsafe { p.as_ref() }.ok_or_else(|| invalid(format!("{name} must not be NULL")))
}

/// A required mutable handle.
pub(crate) unsafe fn handle_mut<'a, T>(name: &str, p: *mut T) -> FfiResult<&'a mut T> {
    unsafe { p.as_mut() }.ok_or_else(|| invalid(format!("{name} must not be NULL")))
}

/// Checks an out-parameter before any work, so a NULL one fails without side effects, and
/// sets it to NULL: defined whatever the function returns.
pub(crate) fn out_arg<T>(name: &str, p: *mut *mut T) -> FfiResult<()> {
    if p.is_null() {
        Err(invalid(format!("{name} must not be NULL")))
    } else {
        // SAFETY: a writable `T *` slot (header contract).
        unsafe { *p = std::ptr::null_mut() };
        Ok(())
    }
}

/// Writes a new allocation to a checked out-parameter.
pub(crate) fn write_out<T>(out: *mut *mut T, value: T) {
    // SAFETY: checked non-NULL by `out_arg` first.
    unsafe { *out = Box::into_raw(Box::new(value)) };
}

/// A string the caller owns (freed with `dialtime_string_free`).
pub(crate) fn write_string(out: *mut *mut c_char, s: String) {
    // SAFETY: checked non-NULL by `out_arg` first.
    unsafe { *out = c_string(s).into_raw() };
}

/// A C string; an interior NUL (possible in a name) becomes U+FFFD rather than truncating.
pub(crate) fn c_string(s: impl Into<String>) -> CString {
    let s = s.into();
    CString::new(s).unwrap_or_else(|e| {
        let text = String::from_utf8_lossy(&e.into_vec()).replace('\0', "\u{FFFD}");
        CString::new(text).unwrap_or_default()
    })
}

pub(crate) fn invalid(message: String) -> Failure {
    Failure::InvalidArgument(message)
}

/// Frees a handle made by `write_out`. Accepts NULL.
pub(crate) unsafe fn free_box<T>(p: *mut T) {
    if !p.is_null() {
        // SAFETY: made by Box::into_raw in `write_out`, freed once (header contract).
        let owned = unsafe { Box::from_raw(p) };
        // The panic boundary of every `_free`: a destructor's panic must not unwind into C
        // (it would abort the host); what it did not free is leaked.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(owned)));
    }
}
