//! The quickstart: start the embedded emulator, save the platform's documented example group
//! "周一周三拨打" (Monday and Wednesday), and print the saved record.
//!
//! Run with `make demo` (or `cargo run -p dialtime --example quickstart`). Against the real
//! platform, drop the emulator and set `DIALTIME_TOKEN` (and `DIALTIME_BASE_URL` on-premises).

use dialtime::{BlockingClient, NewDialTimeGroup, Weekday};
use dialtime_emulator::Emulator;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = Emulator::start()?;
    let client = BlockingClient::builder()
        .base_url(emulator.base_url())
        .token(emulator.token())
        .build_blocking()?;

    let group = NewDialTimeGroup::builder("周一周三拨打")
        .window(Weekday::Monday, "08:00", "20:00")
        .window(Weekday::Monday, "20:30", "22:00")
        .window(Weekday::Wednesday, "08:00", "12:00")
        .window(Weekday::Wednesday, "20:30", "22:00")
        .skip_holiday(true)
        .build()?;

    let saved = client
        .dial_time_groups()
        .create(emulator.user_id(), &group)?;

    println!("saved dial time group {} (id {})", saved.name, saved.id);
    println!("{}", serde_json::to_string_pretty(&saved)?);
    Ok(())
}
