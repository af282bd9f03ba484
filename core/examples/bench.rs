//! `make bench`: the cost of one `create` against the local emulator — dialtime's async and
//! blocking clients next to raw reqwest sending the same bytes (the floor for any HTTP client
//! here). Validation, encoding and decoding are included in dialtime's numbers.

use std::time::{Duration, Instant};

use dialtime::{BlockingClient, Client};
use dialtime_emulator::Emulator;

const WARMUP: usize = 300;
const CALLS: usize = 3_000;

fn per_call(total: Duration) -> f64 {
    total.as_secs_f64() * 1e6 / CALLS as f64
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emu = Emulator::start()?;
    // The platform's documented example, from the shared vectors.
    let vectors: serde_json::Value =
        serde_json::from_str(include_str!("../../tests/vectors/new_group.json"))?;
    let group = dialtime::validate::new_group_from_json(&vectors["valid"][0]["payload"])?;
    let url = format!(
        "{}/agent-api/user/{}/dial-time-group",
        emu.base_url(),
        emu.user_id()
    );
    let body = serde_json::to_vec(&group)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;

    let raw = reqwest::Client::new();
    let raw_call = || async {
        let resp = raw
            .post(&url)
            .bearer_auth(emu.token())
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await?;
        resp.bytes().await
    };
    let raw_time = rt.block_on(async {
        for _ in 0..WARMUP {
            raw_call().await?;
        }
        let t = Instant::now();
        for _ in 0..CALLS {
            raw_call().await?;
        }
        Ok::<_, reqwest::Error>(t.elapsed())
    })?;

    let client = Client::builder()
        .base_url(emu.base_url())
        .token(emu.token())
        .build()?;
    let async_time = rt.block_on(async {
        for _ in 0..WARMUP {
            client
                .dial_time_groups()
                .create(emu.user_id(), &group)
                .await?;
        }
        let t = Instant::now();
        for _ in 0..CALLS {
            client
                .dial_time_groups()
                .create(emu.user_id(), &group)
                .await?;
        }
        Ok::<_, dialtime::Error>(t.elapsed())
    })?;

    let blocking = BlockingClient::builder()
        .base_url(emu.base_url())
        .token(emu.token())
        .build_blocking()?;
    for _ in 0..WARMUP {
        blocking.dial_time_groups().create(emu.user_id(), &group)?;
    }
    let t = Instant::now();
    for _ in 0..CALLS {
        blocking.dial_time_groups().create(emu.user_id(), &group)?;
    }
    let blocking_time = t.elapsed();

    println!("one create against the local emulator, {CALLS} sequential calls:");
    println!(
        "  raw reqwest (same bytes)   {:7.1} µs/call",
        per_call(raw_time)
    );
    println!(
        "  dialtime Client (async)    {:7.1} µs/call  ({:.2}× raw)",
        per_call(async_time),
        async_time.as_secs_f64() / raw_time.as_secs_f64()
    );
    println!(
        "  dialtime BlockingClient    {:7.1} µs/call  ({:.2}× raw)",
        per_call(blocking_time),
        blocking_time.as_secs_f64() / raw_time.as_secs_f64()
    );
    Ok(())
}
