//! # dialtime
//!
//! A typed, validated, fast client for the agent-api *dial time group* API: on which weekdays
//! and between which times an outbound dialer may call.
//!
//! - [`model`]: the resource as the platform sends it ([`NewDialTimeGroup`], [`DialTimeGroup`],
//!   [`DaySchedule`], [`TimeRange`], [`TimeOfDay`], [`Weekday`]).
//! - [`validate`]: the rules checked before anything is sent, all problems at once.
//! - [`Client`] (async) and [`BlockingClient`], built with [`ClientBuilder`].
//! - [`Error`]: one error type with a stable [`ErrorKind`].
//! - [`schedule`]: may the dialer call at an instant, and when next (offline, with China's
//!   holidays and make-up workdays).
//!
//! ```
//! use dialtime::{BlockingClient, NewDialTimeGroup, Weekday};
//! # let emu = dialtime_emulator::Emulator::builder()
//! #     .user_id("5832d184-dd53-42a0-8ace-0bf8d660f4cc")
//! #     .start()
//! #     .unwrap();
//! # let (url, token) = (emu.base_url(), emu.token());
//!
//! // Without a base URL: DIALTIME_BASE_URL, else the platform's public URL.
//! let client = BlockingClient::builder().base_url(url).token(token).build_blocking()?;
//! let group = NewDialTimeGroup::builder("周一周三拨打")
//!     .window(Weekday::Monday, "08:00", "20:00")
//!     .window(Weekday::Wednesday, "08:00", "12:00")
//!     .skip_holiday(true)
//!     .build()?;
//! let saved = client
//!     .dial_time_groups()
//!     .create("5832d184-dd53-42a0-8ace-0bf8d660f4cc", &group)?;
//! assert_eq!(saved.name, "周一周三拨打");
//! println!("{} saved with id {} at {:?}", saved.name, saved.id, saved.created_at);
//! # Ok::<(), dialtime::Error>(())
//! ```

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
#![warn(missing_docs)]

pub mod blocking;
pub mod client;
pub mod dial_time_groups;
pub mod error;
pub mod model;
mod runtime;
pub mod schedule;
pub mod validate;

#[doc(hidden)]
pub mod __private;

pub use blocking::BlockingClient;
pub use client::config::{ClientBuilder, RequestOptions, Token, MAX_RETRY_AFTER_WAIT};
pub use client::recorder::{ResponseInfo, ResponseRecorder};
pub use client::Client;
pub use dial_time_groups::{DialTimeGroups, GroupCursor};
pub use error::{ApiError, CallInfo, Error, ErrorKind, Problem, Result};
pub use model::lenient::platform_zone;
pub use model::{
    DaySchedule, DialTimeGroup, DialTimeGroupUpdate, DialTimeGroupUpdateBuilder, ListParams,
    NewDialTimeGroup, NewDialTimeGroupBuilder, Outcome, Page, TimeOfDay, TimeParseError, TimeRange,
    Weekday,
};

/// The crate version, as sent in the user agent.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
