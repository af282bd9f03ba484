//! The fault matrix (`tests/vectors/faults.json`): every fault the platform or the network can
//! produce × every operation, against the emulator. Each cell checks the error kind, how many
//! requests reached the server, and that a create never left two groups behind.

use std::time::Duration;

use dialtime::validate::{new_group_from_json, update_from_json};
use dialtime::{BlockingClient, ErrorKind, ListParams};
use dialtime_emulator::{Emulator, Fault};
use serde_json::Value;

fn vectors() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/faults.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A port nothing listens on (below the ephemeral range, so no other test takes it).
fn dead_port() -> u16 {
    loop {
        let port = fastrand::u16(20_000..30_000);
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

fn kind_name(result: Result<(), dialtime::Error>) -> String {
    match result {
        Ok(()) => "ok".to_owned(),
        Err(e) => e.kind().as_str().to_owned(),
    }
}

/// Runs one cell; returns a description of the mismatch, if any.
fn cell(v: &Value, fault: &Value, op: &str) -> Option<String> {
    let emu = Emulator::start().unwrap();
    let clean = BlockingClient::builder()
        .base_url(emu.base_url())
        .token(emu.token())
        .max_retries(0)
        .build_blocking()
        .unwrap();
    let user = emu.user_id();
    let seed = new_group_from_json(&v["seed"]).unwrap();
    let seeded = clean.dial_time_groups().create(user, &seed).unwrap();

    let refused = fault["refused"].as_bool().unwrap_or(false);
    let base = if refused {
        format!("http://127.0.0.1:{}", dead_port())
    } else {
        let mut f = fault["fault"].clone();
        f["times"] = 99.into();
        emu.push_fault(Fault::from_json(f).unwrap());
        emu.base_url().to_owned()
    };
    let client = BlockingClient::builder()
        .base_url(base)
        .token(emu.token())
        .max_retries(v["client"]["max_retries"].as_u64().unwrap() as u32)
        .timeout(Duration::from_millis(
            v["client"]["timeout_ms"].as_u64().unwrap(),
        ))
        .build_blocking()
        .unwrap();
    let before = emu.request_count();
    let groups = client.dial_time_groups();
    let result = match op {
        "create" => groups
            .create(user, &new_group_from_json(&v["create"]).unwrap())
            .map(drop),
        "list" => groups.list(user, &ListParams::default()).map(drop),
        "list_all" => groups.list_all(user, None).try_for_each(|g| g.map(drop)),
        "update" => groups
            .update(user, seeded.id, &update_from_json(&v["update"]).unwrap())
            .map(drop),
        "delete" => groups.delete(user, seeded.id, None),
        "ensure" => groups.ensure(user, &seed).map(drop),
        other => panic!("unknown operation {other}"),
    };
    emu.clear_faults();
    let requests = emu.request_count() - before;
    let got = kind_name(result);
    let want = &fault["expect"][op];
    let mut wrong = Vec::new();
    if got != want["kind"].as_str().unwrap() {
        wrong.push(format!("kind {got}, expected {}", want["kind"]));
    }
    if requests != want["requests"].as_u64().unwrap() {
        wrong.push(format!(
            "{requests} requests, expected {}",
            want["requests"]
        ));
    }
    if op == "create" {
        let all: Vec<_> = clean
            .dial_time_groups()
            .list_all(user, None)
            .collect::<Result<_, _>>()
            .unwrap();
        let named = all.iter().filter(|g| g.name == "matrix").count();
        if named > 1 {
            wrong.push(format!("{named} groups were created"));
        }
    }
    (!wrong.is_empty()).then(|| format!("{} × {op}: {}", fault["name"], wrong.join(", ")))
}

#[test]
fn every_fault_times_every_operation() {
    let v = vectors();
    let ops: Vec<String> = v["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ops.len(), 6);
    let faults = v["faults"].as_array().unwrap();
    assert!(faults.len() >= 15);
    // The cells are independent (one emulator each): run the faults in parallel.
    let failures: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = faults
            .iter()
            .map(|fault| {
                let (v, ops) = (&v, &ops);
                s.spawn(move || {
                    ops.iter()
                        .filter_map(|op| cell(v, fault, op))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Every kind a transport or an answer can produce is exercised.
    let kinds: std::collections::BTreeSet<&str> = faults
        .iter()
        .flat_map(|f| f["expect"].as_object().unwrap().values())
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    for k in [
        ErrorKind::Connection,
        ErrorKind::Timeout,
        ErrorKind::RateLimited,
        ErrorKind::Server,
        ErrorKind::Decode,
    ] {
        assert!(kinds.contains(k.as_str()), "{k}");
    }
}
