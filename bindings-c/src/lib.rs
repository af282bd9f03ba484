//! The C ABI of dialtime (`libdialtime`), after rustls-ffi: one `dialtime_` prefix, status
//! codes, opaque handles, one `_free` per allocation (accepting NULL), a panic boundary and
//! NULL/UTF-8 checks on every export. Each module mirrors a core module; `error.rs` is the only
//! place errors are mapped. `include/dialtime.h` is generated from these doc comments.

// No panic reaches a caller: nothing outside tests unwraps, expects, panics or indexes
// unchecked (a justified local `allow` says why when it must).
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]
#![allow(non_camel_case_types)]
// Modules name each other through `super::` (not `crate::`), so the fuzzers can compile
// this crate as a module of theirs, instrumented.
// Every pointer is checked (NULL, UTF-8) before use; the safety contract is the header's.
#![allow(clippy::missing_safety_doc, clippy::not_unsafe_ptr_arg_deref)]

mod client;
mod dial_time_groups;
mod emulator;
mod error;
mod ffi;
mod log;
mod model;
mod recorder;
mod schedule;
mod validate;

pub use client::*;
pub use dial_time_groups::*;
pub use emulator::*;
pub use error::*;
pub use log::*;
pub use model::*;
pub use schedule::*;
pub use validate::*;

use std::ffi::{c_char, CString};

/// The version of the header, for code that must build against more than one:
/// `#if DIALTIME_VERSION_MAJOR > 0 || DIALTIME_VERSION_MINOR >= 2`. dialtime_version() is the
/// library's at run time.
pub const DIALTIME_VERSION_MAJOR: u32 = 0;
/// See DIALTIME_VERSION_MAJOR.
pub const DIALTIME_VERSION_MINOR: u32 = 1;
/// See DIALTIME_VERSION_MAJOR.
pub const DIALTIME_VERSION_PATCH: u32 = 0;

// The header's numbers are literals (cbindgen copies only those): the build fails when they
// are not the version of the core (the workspace's; this crate's own `CARGO_PKG_VERSION` is
// another crate's where the fuzz harness includes these sources).
const _: () = {
    /// The `index`th dot-separated number of `version` ("0.1.0-rc.1": 0, 1, 0).
    const fn part(version: &str, index: u32) -> u32 {
        let mut rest = version.as_bytes();
        let (mut seen, mut n) = (0, 0);
        while let [c, tail @ ..] = rest {
            match *c {
                b'.' => seen += 1,
                b'0'..=b'9' if seen == index => n = n * 10 + (*c - b'0') as u32,
                b'0'..=b'9' => {}
                _ => break,
            }
            rest = tail;
        }
        n
    }
    assert!(part(dialtime::VERSION, 0) == DIALTIME_VERSION_MAJOR);
    assert!(part(dialtime::VERSION, 1) == DIALTIME_VERSION_MINOR);
    assert!(part(dialtime::VERSION, 2) == DIALTIME_VERSION_PATCH);
};

/// The library version, e.g. "0.1.0". A static string: never free it.
#[no_mangle]
pub extern "C" fn dialtime_version() -> *const c_char {
    static VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");
    VERSION.as_ptr().cast()
}

/// Frees a string that dialtime returned through a `char **` out-parameter. Accepts NULL.
#[no_mangle]
pub unsafe extern "C" fn dialtime_string_free(s: *mut c_char) {
    if !s.is_null() {
        // SAFETY: every `char **` output is made by `CString::into_raw` (ffi::owned_string).
        drop(unsafe { CString::from_raw(s) });
    }
}
