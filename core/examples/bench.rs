//! One Rust client for `bench/run.py`: `bench CLIENT MODE`.
//!
//! CLIENT is `dialtime-blocking`, `dialtime-async` or `reqwest` (raw reqwest async, the floor
//! for any client built on it); MODE is `seq` (one call at a time) or `conc` (`BENCH_CONC` in
//! flight; async clients only). Each call builds the payload, serializes it, POSTs it over a
//! kept-alive connection, checks the answer, parses it and reads the id. Prints
//! `RESULT <client> <mode> <µs per call>`. Server and sizes come from `BENCH_URL`,
//! `BENCH_TOKEN`, `BENCH_USER`, `BENCH_N`, `BENCH_CONC`.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use dialtime::{BlockingClient, Client, NewDialTimeGroup};

type Failure = Box<dyn std::error::Error + Send + Sync>;

fn var(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

fn group() -> Result<NewDialTimeGroup, dialtime::Error> {
    dialtime::validate::new_group_from_json(&serde_json::json!({
        "name": "周一周三拨打",
        "content": [
            {"week": 1, "times": [{"begin_time": "08:00", "end_time": "20:00"}, {"begin_time": "20:30", "end_time": "22:00"}]},
            {"week": 3, "times": [{"begin_time": "08:00", "end_time": "12:00"}, {"begin_time": "20:30", "end_time": "22:00"}]}
        ],
        "is_default": false,
        "skip_holiday": true
    }))
}

#[derive(serde::Deserialize)]
struct Envelope {
    code: i64,
    data: Saved,
}

#[derive(serde::Deserialize)]
struct Saved {
    id: i64,
}

/// `bench schedule`: the evaluator's cost, offline. Prints `SCHED <query> <ns per call>`.
fn schedule_bench() -> Result<(), Failure> {
    use dialtime::schedule::Schedule;
    let g = group()?;
    let s = Schedule::builder(&g.content, true).build()?;
    let start: jiff::Timestamp = "2026-01-01T00:00:00+08:00".parse()?;
    let year = jiff::SignedDuration::from_hours(24 * 365);
    let n = 200_000i64;
    let step = year / i32::try_from(n)?;
    let time = |label: &str, count: i64, f: &mut dyn FnMut(i64) -> usize| {
        let mut sink = 0usize;
        for i in 0..count / 10 {
            sink += f(i);
        }
        let t = Instant::now();
        for i in 0..count {
            sink += f(i);
        }
        let ns = t.elapsed().as_nanos() as f64 / count as f64;
        println!("SCHED {label} {ns:.1} {}", sink % 2);
    };
    time("is_open_at", n, &mut |i| {
        usize::from(
            s.is_open_at(start + step * i32::try_from(i % n).unwrap_or(0))
                .unwrap_or(false),
        )
    });
    time("next_window", n / 10, &mut |i| {
        s.next_window(start + step * i32::try_from(i % n).unwrap_or(0))
            .ok()
            .flatten()
            .map_or(0, |w| w.start.as_second() as usize)
    });
    time("windows_year", 200, &mut |_| {
        s.windows(start, start + year).map_or(0, |w| w.len())
    });
    Ok(())
}

fn main() -> Result<(), Failure> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("schedule") {
        return schedule_bench();
    }
    let [client, mode] = args.as_slice() else {
        return Err("usage: bench dialtime-blocking|dialtime-async|reqwest seq|conc".into());
    };
    let base = var("BENCH_URL", "");
    let token = var("BENCH_TOKEN", "");
    let user = var("BENCH_USER", "");
    let n: i64 = var("BENCH_N", "5000").parse()?;
    let conc: i64 = if mode == "conc" {
        var("BENCH_CONC", "64").parse()?
    } else {
        1
    };
    let warmup = (n / 10).clamp(1, 500);

    let seconds = match client.as_str() {
        "dialtime-blocking" => {
            let groups = BlockingClient::builder()
                .base_url(&base)
                .token(&token)
                .max_retries(0)
                .build_blocking()?;
            let call = || -> Result<(), Failure> {
                let saved = groups.dial_time_groups().create(&user, &group()?)?;
                if saved.id <= 0 {
                    return Err("bad id".into());
                }
                Ok(())
            };
            for _ in 0..warmup {
                call()?;
            }
            let start = Instant::now();
            for _ in 0..n {
                call()?;
            }
            start.elapsed().as_secs_f64()
        }
        "dialtime-async" | "reqwest" => {
            let runtime = tokio::runtime::Runtime::new()?;
            let dialtime = Client::builder()
                .base_url(&base)
                .token(&token)
                .max_retries(0)
                .build()?;
            let raw = reqwest::Client::new();
            let url = format!("{base}/agent-api/user/{user}/dial-time-group");
            let bearer = format!("Bearer {token}");
            let is_raw = client == "reqwest";
            let call = move || {
                let (dialtime, raw, url, bearer, user) = (
                    dialtime.clone(),
                    raw.clone(),
                    url.clone(),
                    bearer.clone(),
                    user.clone(),
                );
                async move {
                    if is_raw {
                        let body = serde_json::to_vec(&group()?)?;
                        let answer = raw
                            .post(&url)
                            .header("authorization", &bearer)
                            .header("content-type", "application/json")
                            .header("accept", "application/json")
                            .body(body)
                            .send()
                            .await?;
                        if answer.status() != 200 {
                            return Err(format!("HTTP {}", answer.status()).into());
                        }
                        let envelope: Envelope = serde_json::from_slice(&answer.bytes().await?)?;
                        if envelope.code != 200 || envelope.data.id <= 0 {
                            return Err("bad answer".into());
                        }
                    } else if dialtime
                        .dial_time_groups()
                        .create(&user, &group()?)
                        .await?
                        .id
                        <= 0
                    {
                        return Err("bad id".into());
                    }
                    Ok::<(), Failure>(())
                }
            };
            runtime.block_on(async move {
                for _ in 0..warmup {
                    call().await?;
                }
                let left = Arc::new(AtomicI64::new(n));
                let start = Instant::now();
                let workers: Vec<_> = (0..conc)
                    .map(|_| {
                        let (left, call) = (left.clone(), call.clone());
                        tokio::spawn(async move {
                            while left.fetch_sub(1, Ordering::Relaxed) > 0 {
                                call().await?;
                            }
                            Ok::<(), Failure>(())
                        })
                    })
                    .collect();
                for worker in workers {
                    worker.await??;
                }
                Ok::<f64, Failure>(start.elapsed().as_secs_f64())
            })?
        }
        other => return Err(format!("unknown client {other:?}").into()),
    };
    println!("RESULT {client} {mode} {:.2}", seconds / n as f64 * 1e6);
    Ok(())
}
