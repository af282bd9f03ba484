//! `dialtime-emulator [--port N] [--token T] [--user-id UUID]`
//!
//! Prints its base URL on the first line, then the token and user id, and serves until killed.

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

use std::process::ExitCode;

const USAGE: &str = "usage: dialtime-emulator [--port N] [--token TOKEN] [--user-id UUID]";

fn main() -> ExitCode {
    let mut builder = dialtime_emulator::Emulator::builder();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
        };
        let step = match arg.as_str() {
            "--port" => value("--port").and_then(|v| {
                v.parse::<u16>()
                    .map(|p| builder.clone().port(p))
                    .map_err(|_| format!("--port must be 0–65535, got {v:?}"))
            }),
            "--token" => value("--token").map(|t| builder.clone().token(t)),
            "--user-id" => value("--user-id").and_then(|u| {
                if dialtime::validate::is_uuid(&u) {
                    Ok(builder.clone().user_id(u))
                } else {
                    Err(format!("--user-id must be a UUID, got {u:?}"))
                }
            }),
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => Err(format!("unknown argument {other:?}\n{USAGE}")),
        };
        match step {
            Ok(b) => builder = b,
            Err(msg) => {
                eprintln!("{msg}");
                return ExitCode::from(2);
            }
        }
    }
    let emulator = match builder.start() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("dialtime-emulator: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("{}", emulator.base_url());
    println!("token: {}", emulator.token());
    println!("user_id: {}", emulator.user_id());
    use std::io::Write as _;
    let _ = std::io::stdout().flush();
    loop {
        std::thread::park();
    }
}
