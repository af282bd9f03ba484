//! The `dialtime` binary against the emulator: validate, plan, apply, re-apply with zero
//! writes, prune, export → apply as a no-op, check/next, calendar.

use std::process::{Command, Output};

use dialtime_emulator::{Emulator, Fault};

const GROUPS: &str = r#"
groups:
  - name: 工作日白天
    content:
      - {week: 1, times: [{begin_time: "09:00", end_time: "18:00"}]}
      - {week: 2, times: [{begin_time: "09:00", end_time: "18:00"}]}
    is_default: true
    skip_holiday: true
  - name: 周末上午
    content:
      - {week: 6, times: [{begin_time: "10:00", end_time: "12:00"}]}
    is_default: false
    skip_holiday: false
"#;

fn file(name: &str, text: &str) -> tempfile_path::Path {
    tempfile_path::write(name, text)
}

/// A file in a fresh directory under the target dir (no tempfile crate needed).
mod tempfile_path {
    pub struct Path(pub std::path::PathBuf);
    pub fn write(name: &str, text: &str) -> Path {
        let dir = std::env::temp_dir().join(format!(
            "dialtime-cli-{}-{}",
            std::process::id(),
            fastrand()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        Path(path)
    }
    fn fastrand() -> u64 {
        use std::sync::atomic::{AtomicU64, Ordering};
        static N: AtomicU64 = AtomicU64::new(0);
        N.fetch_add(1, Ordering::Relaxed)
    }
}

/// The binary pointed at `emu` (its token in a file), with `args`.
fn dialtime(emu: &Emulator, args: &[&str]) -> Command {
    let token = tempfile_path::write("token", emu.token());
    let mut command = Command::new(env!("CARGO_BIN_EXE_dialtime"));
    command
        .args(["--base-url", emu.base_url(), "--token-file"])
        .arg(&token.0)
        .args(args)
        .env_remove("DIALTIME_TOKEN");
    command
}

fn run(emu: &Emulator, args: &[&str]) -> Output {
    dialtime(emu, args).output().unwrap()
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn apply_plans_applies_and_reapplies_with_zero_writes() {
    let emu = Emulator::start().unwrap();
    let f = file("groups.yaml", GROUPS);
    let path = f.0.to_str().unwrap();
    let user = emu.user_id();

    let o = run(
        &emu,
        &[
            "apply",
            "-f",
            path,
            "--user",
            user,
            "--dry-run",
            "--detailed-exitcode",
        ],
    );
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}{err}");
    assert!(
        out.contains(&format!("{user}: create \"工作日白天\"")),
        "{out}"
    );
    assert!(
        out.contains("Plan: 2 to create, 0 to update, 0 to delete, 0 unchanged (1 account)"),
        "{out}"
    );
    assert_eq!(emu.write_count(), 0, "a dry run writes nothing");

    let o = run(
        &emu,
        &["--log-level", "debug", "apply", "-f", path, "--user", user],
    );
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{err}");
    assert!(out.contains("Applied: 1 account(s), 0 failed"), "{out}");
    assert_eq!(emu.write_count(), 2);
    // Logs: every attempt, never the token; progress: a line per account off a terminal.
    assert!(
        err.contains(&format!(
            "dialtime debug: POST /agent-api/user/{user}/dial-time-group -> 200 (attempt 1, "
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("[1/1] {user}: done (2 changes)")),
        "{err}"
    );
    assert!(!err.contains(emu.token()));

    let o = run(&emu, &["apply", "-f", path, "--user", user]);
    let (out, _) = text(&o);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        out.contains("Plan: 0 to create, 0 to update, 0 to delete, 2 unchanged"),
        "{out}"
    );
    assert_eq!(emu.write_count(), 2, "re-applying makes zero write calls");

    // Drift: a changed window is an update with a readable diff; an extra group is pruned.
    let changed = GROUPS.replace(
        "{begin_time: \"10:00\", end_time: \"12:00\"}",
        "{begin_time: \"09:00\", end_time: \"12:00\"}",
    );
    let f2 = file("changed.yaml", &changed);
    let o = run(
        &emu,
        &[
            "apply",
            "-f",
            f2.0.to_str().unwrap(),
            "--user",
            user,
            "--dry-run",
            "--output",
            "json",
        ],
    );
    let (out, _) = text(&o);
    let plan: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(plan["summary"]["update"], 1, "{out}");
    let actions = &plan["accounts"][0]["actions"];
    let update = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["action"] == "update")
        .unwrap();
    assert_eq!(update["diff"][0], "Sat: 10:00–12:00 → 09:00–12:00");

    let only_one = "groups:\n  - name: 工作日白天\n    content: [{week: 1, times: [{begin_time: \"09:00\", end_time: \"18:00\"}]}, {week: 2, times: [{begin_time: \"09:00\", end_time: \"18:00\"}]}]\n    is_default: true\n    skip_holiday: true\n";
    let f3 = file("one.yaml", only_one);
    let o = run(
        &emu,
        &[
            "apply",
            "-f",
            f3.0.to_str().unwrap(),
            "--user",
            user,
            "--prune",
        ],
    );
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{err}");
    assert!(out.contains("delete \"周末上午\""), "{out}");
    assert_eq!(emu.write_count(), 3);

    // export → apply is a no-op.
    let o = run(&emu, &["export", "--user", user]);
    let (exported, _) = text(&o);
    let f4 = file("export.yaml", &exported);
    let o = run(
        &emu,
        &[
            "apply",
            "-f",
            f4.0.to_str().unwrap(),
            "--user",
            user,
            "--prune",
        ],
    );
    let (out, _) = text(&o);
    assert!(
        out.contains("Plan: 0 to create, 0 to update, 0 to delete, 1 unchanged"),
        "{out}"
    );
    assert_eq!(emu.write_count(), 3);
}

#[test]
fn a_failing_account_exits_1_and_says_why() {
    let emu = Emulator::start().unwrap();
    let f = file("groups.yaml", GROUPS);
    emu.push_fault(Fault {
        method: Some("POST".into()),
        ..Fault::status(500).times(10)
    });
    let o = run(
        &emu,
        &[
            "--max-retries",
            "0",
            "apply",
            "-f",
            f.0.to_str().unwrap(),
            "--user",
            emu.user_id(),
        ],
    );
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    assert!(
        err.contains(&format!("failed: {}: ", emu.user_id())) && err.contains("HTTP 500"),
        "{err}"
    );
    // What was made, not what was planned.
    assert!(err.contains(": failed (0 of 2 changes made)\n"), "{err}");
    assert!(
        out.contains("Nothing applied: 1 account(s), 1 failed"),
        "{out}"
    );
    assert!(!err.contains(emu.token()) && !out.contains(emu.token()));
}

#[test]
fn validate_names_file_group_and_path() {
    let emu = Emulator::start().unwrap();
    let bad = GROUPS.replace(
        "end_time: \"18:00\"}]}\n      - {week: 2",
        "end_time: \"08:00\"}]}\n      - {week: 9",
    );
    let f = file("bad.yaml", &bad);
    let o = run(&emu, &["validate", "-f", f.0.to_str().unwrap()]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(1));
    let shown = f.0.display().to_string();
    assert!(
        err.contains(&format!(
            "{shown}: group \"工作日白天\": content[0].times[0].end_time: "
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("{shown}: group \"工作日白天\": content[1].week: ")),
        "{err}"
    );
    let good = file("good.yaml", GROUPS);
    let o = run(&emu, &["validate", "-f", good.0.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn check_next_and_calendar_answer_offline() {
    let emu = Emulator::start().unwrap();
    let f = file("groups.yaml", GROUPS);
    let path = f.0.to_str().unwrap();
    let o = run(
        &emu,
        &[
            "check",
            "-f",
            path,
            "--group",
            "工作日白天",
            "--at",
            "2026-10-01T10:00:00+08:00",
        ],
    );
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(out.contains("closed (国庆节, an off-day)"), "{out}");
    assert!(
        out.contains("next window: 2026-10-12T09:00:00+08:00[Asia/Shanghai]"),
        "{out}"
    );
    let o = run(
        &emu,
        &[
            "next",
            "-f",
            path,
            "--group",
            "周末上午",
            "--at",
            "2026-10-01T10:00:00+08:00",
        ],
    );
    let (out, _) = text(&o);
    assert!(
        out.starts_with("2026-10-03T10:00:00+08:00[Asia/Shanghai] – 2026-10-03T12:00:00+08:00"),
        "{out}"
    );
    // An offset beyond a day is refused (RFC 3339), as is a --from that is not YYYY-MM-DD.
    let o = run(
        &emu,
        &[
            "check",
            "-f",
            path,
            "--group",
            "周末上午",
            "--at",
            "2026-10-01T10:00:00+25:00",
        ],
    );
    let (_, err) = text(&o);
    assert_ne!(o.status.code(), Some(0));
    assert!(err.contains("--at") && err.contains("±23:59"), "{err}");
    let o = run(
        &emu,
        &[
            "show",
            "-f",
            path,
            "--group",
            "周末上午",
            "--from",
            "2026-10-01T10:00",
        ],
    );
    let (_, err) = text(&o);
    assert_ne!(o.status.code(), Some(0));
    assert!(err.contains("--from must be YYYY-MM-DD"), "{err}");
    let o = run(&emu, &["calendar", "2026"]);
    let (out, _) = text(&o);
    assert!(
        out.contains("2026-10-10 Sat\twork\t国庆节") && out.contains("2026-02-15 Sun\toff\t春节"),
        "{out}"
    );
    assert_eq!(out.lines().count(), 6 + 33, "{out}");
}

#[test]
fn show_draws_the_national_day_weeks() {
    let emu = Emulator::start().unwrap();
    let f = file("groups.yaml", GROUPS);
    let path = f.0.to_str().unwrap();
    let o = run(
        &emu,
        &[
            "show",
            "-f",
            path,
            "--group",
            "工作日白天",
            "--from",
            "2026-09-28",
            "--days",
            "14",
        ],
    );
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2 + 14, "{out}");
    // Monday 09-28: 09:00–18:00 shaded (cells 18..36 of 48), nothing else.
    let monday = lines[2];
    assert!(monday.starts_with("2026-09-28 Mon "), "{monday}");
    let cells: String = monday.chars().skip(15).take(48).collect();
    assert_eq!(
        cells,
        format!("{}{}{}", "·".repeat(18), "█".repeat(18), "·".repeat(12))
    );
    // 10-01..10-07 marked off with the festival; Monday 10-05 and Tuesday 10-06 not shaded.
    for day in 1..=7 {
        let line = lines
            .iter()
            .find(|l| l.starts_with(&format!("2026-10-0{day}")))
            .unwrap();
        assert!(line.ends_with("国庆节 off-day"), "{line}");
        assert!(!line.contains('█'), "{line}");
    }
    let makeup = lines.iter().find(|l| l.starts_with("2026-10-10")).unwrap();
    assert!(makeup.ends_with("国庆节 make-up workday"), "{makeup}");

    let svg_path = f.0.with_file_name("week.svg");
    let o = run(
        &emu,
        &[
            "show",
            "-f",
            path,
            "--group",
            "工作日白天",
            "--from",
            "2026-09-28",
            "--days",
            "14",
            "--format",
            "svg",
            "-o",
            svg_path.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    let svg = std::fs::read_to_string(&svg_path).unwrap();
    assert!(well_formed(&svg), "{svg}");
    for day in 1..=7 {
        assert!(
            svg.contains(&format!("class=\"off\" data-date=\"2026-10-0{day}\"")),
            "{day}"
        );
    }
    assert!(svg.contains("class=\"makeup\" data-date=\"2026-10-10\""));
    assert_eq!(
        svg.matches("class=\"open\"").count(),
        2,
        "Mon 09-28, Tue 09-29 only"
    );
}

/// Tags balance and nest (enough to know the SVG parses as XML: no entities but the five).
fn well_formed(xml: &str) -> bool {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find('<') {
        let Some(j) = rest[i..].find('>') else {
            return false;
        };
        let tag = &rest[i + 1..i + j];
        rest = &rest[i + j + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            if stack.pop().as_deref() != Some(name.trim()) {
                return false;
            }
        } else if !tag.ends_with('/') && !tag.starts_with('?') && !tag.starts_with('!') {
            stack.push(tag.split_whitespace().next().unwrap_or("").to_owned());
        }
    }
    stack.is_empty() && xml.trim_start().starts_with("<svg")
}

/// A groups file for `subs` sub-accounts of `user` with four groups.
fn many(user: &str, subs: usize) -> String {
    let mut text = format!("accounts:\n  - user_id: {user}\n    sub_users:\n");
    for i in 0..subs {
        text.push_str(&format!("      - 00000000-0000-4000-8000-{i:012}\n"));
    }
    text.push_str("groups:\n");
    for (n, (week, default)) in [(1, true), (2, false), (3, false), (6, false)]
        .iter()
        .enumerate()
    {
        text.push_str(&format!(
            "  - name: group{n}\n    content: [{{week: {week}, times: [{{begin_time: \"09:00\", end_time: \"18:00\"}}]}}]\n    is_default: {default}\n    skip_holiday: true\n"
        ));
    }
    text
}

#[test]
fn two_hundred_sub_accounts_then_zero_writes() {
    let emu = Emulator::start().unwrap();
    let f = file("many.yaml", &many(emu.user_id(), 200));
    let o = run(&emu, &["apply", "-f", f.0.to_str().unwrap()]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        out.contains("Plan: 800 to create, 0 to update, 0 to delete, 0 unchanged (200 accounts)"),
        "{}",
        out.lines().last().unwrap_or("")
    );
    assert_eq!(emu.write_count(), 800);
    let o = run(
        &emu,
        &["apply", "-f", f.0.to_str().unwrap(), "--output", "json"],
    );
    let plan: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(plan["summary"]["unchanged"], 800);
    assert_eq!(emu.write_count(), 800, "re-applying makes zero writes");
}

#[test]
fn a_429_storm_slows_the_run_but_every_account_finishes() {
    let emu = Emulator::start().unwrap();
    let f = file("few.yaml", &many(emu.user_id(), 3));
    // The first 8 creates are refused with 429 (the lists pass).
    emu.push_fault(
        Fault::status(429)
            .with_retry_after("0")
            .for_method("POST")
            .times(8),
    );
    let o = run(
        &emu,
        &[
            "--max-retries",
            "0",
            "apply",
            "-f",
            f.0.to_str().unwrap(),
            "--concurrency",
            "3",
        ],
    );
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{err}");
    assert!(out.contains("Slowed down 8 time(s) by HTTP 429"), "{out}");
    assert_eq!(emu.write_count(), 12 + 8);
    let o = run(
        &emu,
        &[
            "apply",
            "-f",
            f.0.to_str().unwrap(),
            "--dry-run",
            "--detailed-exitcode",
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "every account finished: nothing left to change"
    );
}

/// A platform that keeps answering 429: `--deadline` bounds the waiting of each write too (30
/// tries of its `Retry-After` kept one write waiting minutes past a 3 s deadline, silently).
#[test]
fn a_429_storm_is_waited_out_only_within_the_deadline() {
    let emu = Emulator::start().unwrap();
    let f = file("groups.yaml", GROUPS);
    emu.push_fault(
        Fault::status(429)
            .with_retry_after("1")
            .for_method("POST")
            .times(1000),
    );
    let o = run(
        &emu,
        &[
            "--max-retries",
            "0",
            "--deadline",
            "2",
            "apply",
            "-f",
            f.0.to_str().unwrap(),
            "--user",
            emu.user_id(),
        ],
    );
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    // Tried at about 0 s and 1 s, not again past the deadline (31 tries before).
    assert!(
        emu.write_count() <= 3,
        "{} writes: {out}{err}",
        emu.write_count()
    );
    emu.clear_faults();
}

/// A file that looks right but says something else is refused, never read as "the user
/// itself": a misspelt or scalar `sub_users` (with --prune the parent's groups were deleted),
/// a key given twice (the last one won), nesting thousands deep (the YAML reader took
/// minutes), a file without end (`/dev/zero` was read until memory ran out).
#[test]
fn files_that_say_something_else_are_refused() {
    use dialtime_cli::file::parse;
    let user = "5832d184-dd53-42a0-8ace-0bf8d660f4cc";
    let sub = "0b6e1a4e-6f0e-4a53-9d43-1f7d2b7c9a10";
    let refused = |name: &str, text: &str, words: &str| {
        let problems = parse(name, text).expect_err(text);
        assert!(problems.iter().any(|p| p.contains(words)), "{problems:?}");
    };
    let groups = GROUPS.trim_start().trim_start_matches("groups:\n");
    refused(
        "a.yaml",
        &format!("accounts:\n  - user_id: {user}\n    sub_user: [{sub}]\ngroups:\n{groups}"),
        "accounts[0].sub_user: is not a known key",
    );
    refused(
        "a.yaml",
        &format!("accounts:\n  - user_id: {user}\n    sub_users: {sub}\ngroups:\n{groups}"),
        "accounts[0].sub_users: must be a list of UUIDs",
    );
    refused(
        "a.yaml",
        &format!("accounts:\n  - user_id: {user}\n    sub_users: [{sub}, 7]\ngroups:\n{groups}"),
        "accounts[0].sub_users[1]: must be a UUID string",
    );
    refused(
        "a.yaml",
        &format!("accounts: [{user}]\ngroups:\n{groups}"),
        "accounts[0]: must be a mapping",
    );
    // An empty list of sub-accounts applied to the user itself (with --prune, its groups
    // were deleted).
    refused(
        "a.yaml",
        &format!("accounts:\n  - user_id: {user}\n    sub_users: []\ngroups:\n{groups}"),
        "accounts[0].sub_users: is empty",
    );
    refused(
        "a.yaml",
        &format!("groups: []\ngroups:\n{groups}"),
        "\"groups\" appears twice",
    );
    refused(
        "a.json",
        r#"{"groups": [], "groups": []}"#,
        "\"groups\" appears twice",
    );
    // One anchored 1 MB string referred to 100 times: 100 MB of text from a 1 MB file (100,000
    // times aborted the process when memory ran out).
    let bomb = format!(
        "a: &s \"{}\"\nb: [{}]\n",
        "x".repeat(1 << 20),
        vec!["*s"; 100].join(", ")
    );
    refused("a.yaml", &bomb, "MiB of text");
    refused(
        "a.yaml",
        &format!(
            "groups:\n  - name: .inf\n{}",
            &groups[groups.find("    content").unwrap()..]
        ),
        "is not a number JSON can hold",
    );
    // A key of control characters cleared the terminal and forged a line of the report.
    let problems = parse(
        "a.json",
        "{\"groups\": [], \"\\u001b[2J\\nx.json: valid\": 1}",
    )
    .unwrap_err();
    assert!(
        problems
            .iter()
            .any(|p| p.contains(r#""\u{1b}[2J\nx.json: valid""#)),
        "{problems:?}"
    );
    assert!(
        !problems
            .iter()
            .any(|p| p.contains('\u{1b}') || p.contains('\n')),
        "{problems:?}"
    );
    refused("a.yaml", &"{a: ".repeat(300_000), "nests deeper than 128");
    refused("a.yaml", &"[".repeat(1_000_000), "nests deeper than 128");
    // What was right stays right.
    let ok = parse(
        "a.yaml",
        &format!("accounts:\n  - user_id: {user}\n    sub_users: [{sub}]\n  - user_id: {user}\ngroups:\n{groups}"),
    )
    .unwrap();
    assert_eq!(ok.accounts.len(), 2);
    assert_eq!(ok.accounts[0].sub_user_id.as_deref(), Some(sub));
    assert_eq!(ok.accounts[1].sub_user_id, None);
    // Read with a limit.
    let emu = Emulator::start().unwrap();
    let o = run(&emu, &["validate", "-f", "/dev/zero"]);
    let (_, err) = text(&o);
    assert_ne!(o.status.code(), Some(0));
    assert!(err.contains("larger than 8 MiB"), "{err}");
}

/// Found by an audit of the command line: each of these planned or applied something else
/// than the operator meant.
#[test]
fn sub_accounts_without_their_user_and_repeated_accounts_are_not_planned_twice() {
    let emu = Emulator::start().unwrap();
    let f = file("groups.yaml", GROUPS);
    let path = f.0.to_str().unwrap();
    let sub = "0b6e1a4e-6f0e-4a53-9d43-1f7d2b7c9a10";
    // --sub-user without --user meant nothing: the file's accounts were pruned instead.
    let o = run(&emu, &["apply", "-f", path, "--sub-user", sub, "--prune"]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    assert!(err.contains("pass --user too"), "{err}");
    assert_eq!(emu.request_count(), 0);
    // The token file given as --sub-users (a slip of the argument): its line was quoted
    // back, the token with it.
    let token = tempfile_path::write("token-as-subs", emu.token());
    let o = run(
        &emu,
        &[
            "apply",
            "-f",
            path,
            "--user",
            emu.user_id(),
            "--sub-users",
            token.0.to_str().unwrap(),
        ],
    );
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    assert!(
        err.contains("not a UUID") && err.contains("[redacted]"),
        "{err}"
    );
    assert!(
        !err.contains(emu.token()) && !out.contains(emu.token()),
        "{err}"
    );
    // The token as --user or --sub-user (arguments swapped): printed in the account's
    // failure line and the JSON plan.
    for args in [
        vec!["--user", emu.token()],
        vec!["--user", emu.user_id(), "--sub-user", emu.token()],
    ] {
        for output in ["text", "json"] {
            let mut all = vec!["apply", "-f", path, "--output", output];
            all.extend(&args);
            let o = run(&emu, &all);
            let (out, err) = text(&o);
            assert_eq!(o.status.code(), Some(1), "{out}{err}");
            assert!(err.contains("not a UUID"), "{err}");
            assert!(
                !err.contains(emu.token()) && !out.contains(emu.token()),
                "{out}{err}"
            );
        }
    }
    // The token as an account's user_id in the file: `validate` quoted it in its problem.
    let with_token = file(
        "accounts.yaml",
        &format!(
            "accounts:\n  - user_id: {}\ngroups:\n{}",
            emu.token(),
            &GROUPS["\ngroups:\n".len()..]
        ),
    );
    let o = run(&emu, &["validate", "-f", with_token.0.to_str().unwrap()]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    assert!(err.contains("[redacted]"), "{err}");
    assert!(
        !err.contains(emu.token()) && !out.contains(emu.token()),
        "{out}{err}"
    );
    assert_eq!(emu.request_count(), 0);
    // A --sub-users file listing nobody (comments only) applied to --user itself, and
    // --prune deleted its groups.
    let none = file("subs.txt", "# nobody today\n\n");
    let o = run(
        &emu,
        &[
            "apply",
            "-f",
            path,
            "--user",
            emu.user_id(),
            "--sub-users",
            none.0.to_str().unwrap(),
            "--prune",
        ],
    );
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    assert!(err.contains("lists no sub-account"), "{err}");
    assert_eq!(emu.request_count(), 0);
    // The same sub-account twice (in another case): planned once, each group created once.
    let upper = sub.to_ascii_uppercase();
    let o = run(
        &emu,
        &[
            "apply",
            "-f",
            path,
            "--user",
            emu.user_id(),
            "--sub-user",
            sub,
            "--sub-user",
            &upper,
        ],
    );
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{err}");
    let posts = emu.requests().iter().filter(|r| r.method == "POST").count();
    assert_eq!(posts, 2, "{out}");
}

#[test]
fn a_usage_error_is_exit_1_not_the_changes_planned_code() {
    let emu = Emulator::start().unwrap();
    let f = file("groups.yaml", GROUPS);
    let path = f.0.to_str().unwrap();
    let o = run(
        &emu,
        &[
            "apply",
            "-f",
            path,
            "--user",
            emu.user_id(),
            "--dry-run",
            "--detailed-exitcode",
            "--sub-usr",
            "x",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{:?}", text(&o));
    let o = run(&emu, &["--help"]);
    assert_eq!(o.status.code(), Some(0));
    // Flags that would be silently ignored are refused: --detailed-exitcode without
    // --dry-run applied (a drift check that writes), --concurrency 0 ran one at a time.
    for extra in [&["--detailed-exitcode"][..], &["--concurrency", "0"]] {
        let mut args = vec!["apply", "-f", path, "--user", emu.user_id()];
        args.extend_from_slice(extra);
        let o = run(&emu, &args);
        let (out, err) = text(&o);
        assert_eq!(o.status.code(), Some(1), "{extra:?}: {out}{err}");
        assert!(err.contains(extra[0]), "{extra:?}: {err}");
    }
    assert_eq!(emu.write_count(), 0, "nothing was applied");
}

#[test]
fn a_reader_that_leaves_changes_nothing_but_the_output() {
    use std::process::Stdio;
    let emu = Emulator::start().unwrap();
    let f = file("groups.yaml", GROUPS);
    let spawn = |args: &[&str]| {
        let mut child = dialtime(&emu, args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reader is gone before the first line (`| head -0`): every write gets EPIPE.
        drop(child.stdout.take());
        child.wait_with_output().unwrap()
    };
    let o = spawn(&[
        "apply",
        "-f",
        f.0.to_str().unwrap(),
        "--user",
        emu.user_id(),
    ]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        !err.contains("Broken pipe") && !err.contains("failed"),
        "{err}"
    );
    assert_eq!(emu.write_count(), 2, "the apply went on without its reader");
    for args in [
        &["list", "--user", emu.user_id()][..],
        &["export", "--user", emu.user_id()],
        &["calendar", "2026"],
    ] {
        let o = spawn(args);
        let (_, err) = text(&o);
        assert_eq!((o.status.code(), err.as_str()), (Some(0), ""), "{args:?}");
    }
}

#[test]
fn list_shows_a_name_with_control_characters_escaped() {
    let name = "evil\u{1b}]0;pwned\u{7}\nsecond line\tcol\u{202e}txt.exe\u{2028}end";
    let group = dialtime::NewDialTimeGroup::builder(name)
        .window(dialtime::Weekday::Monday, "09:00", "18:00")
        .build()
        .unwrap();
    let emu = Emulator::builder().group(group).start().unwrap();
    let o = run(&emu, &["list", "--user", emu.user_id()]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert_eq!(out.lines().count(), 1, "one group, one line: {out:?}");
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
    assert!(
        out.contains(r#""evil\u{1b}]0;pwned\u{7}\nsecond line\tcol\u{202e}txt.exe\u{2028}end""#),
        "{out:?}"
    );
    assert!(
        !out.contains('\u{202e}') && !out.contains('\u{2028}'),
        "{out:?}"
    );
    assert_eq!(out.split('\t').count(), 3, "three columns: {out:?}");
}

#[test]
fn export_warns_about_what_the_file_rules_refuse() {
    use dialtime::{DaySchedule, NewDialTimeGroup, TimeOfDay, TimeRange, Weekday};
    // The platform may hold a window saved across midnight; the file format refuses it.
    let overnight = NewDialTimeGroup {
        name: "夜班".into(),
        content: vec![DaySchedule {
            week: Weekday::Friday,
            times: vec![TimeRange {
                begin_time: TimeOfDay::new(22, 0).unwrap(),
                end_time: TimeOfDay::new(2, 0).unwrap(),
            }],
        }],
        is_default: false,
        skip_holiday: false,
        sub_user_id: None,
    };
    let emu = Emulator::builder().group(overnight).start().unwrap();
    let o = run(&emu, &["export", "--user", emu.user_id()]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        out.contains("\"22:00\"") && out.contains("\"02:00\""),
        "written as saved: {out}"
    );
    assert!(
        err.starts_with("warning: ") && err.contains("apply refuses"),
        "{err}"
    );
    assert!(
        err.contains("group \"夜班\"") && err.contains("end_time"),
        "{err}"
    );
    let clean = Emulator::start().unwrap();
    let o = run(&clean, &["export", "--user", clean.user_id()]);
    assert_eq!(text(&o).1, "", "nothing to warn about");
}

#[test]
fn a_group_naming_a_sub_account_is_refused() {
    let emu = Emulator::start().unwrap();
    let f = file(
        "sub.yaml",
        r#"
groups:
  - {name: 子账号组, content: [{week: 1, times: [{begin_time: "09:00", end_time: "18:00"}]}], is_default: false, skip_holiday: true, sub_user_id: 0b6e1a4e-6f0e-4a53-9d43-1f7d2b7c9a10}
"#,
    );
    let o = run(&emu, &["validate", "-f", f.0.to_str().unwrap()]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("group \"子账号组\": sub_user_id: ") && err.contains("accounts"),
        "{err}"
    );
    let o = run(
        &emu,
        &[
            "apply",
            "-f",
            f.0.to_str().unwrap(),
            "--user",
            emu.user_id(),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(emu.write_count(), 0, "the group landed nowhere");
}

#[test]
fn two_saved_groups_with_a_listed_name_fail_that_account() {
    let emu = Emulator::start().unwrap();
    let f = file("groups.yaml", GROUPS);
    let path = f.0.to_str().unwrap();
    let twice = serde_json::json!([
        {"id": 11, "name": "周末上午", "user_id": emu.user_id(), "content": [], "is_default": false, "created_at": "2022-01-01 00:00:00", "updated_at": "2022-01-01 00:00:00"},
        {"id": 12, "name": "周末上午", "user_id": emu.user_id(), "content": [], "is_default": false, "created_at": "2022-01-01 00:00:00", "updated_at": "2022-01-01 00:00:00"}
    ]);
    // One page (its meta says so): a list of more than one page is read until two walks agree.
    let meta = serde_json::json!({"current_page": 1, "last_page": 1, "total": 2});
    let body = serde_json::json!({"code": 200, "status": "success", "meta": meta, "data": twice})
        .to_string();
    emu.push_fault(Fault::body(body));
    let o = run(
        &emu,
        &["apply", "-f", path, "--user", emu.user_id(), "--prune"],
    );
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    assert!(
        err.contains("2 saved groups are named \"周末上午\" (ids 11, 12)"),
        "{err}"
    );
    assert!(
        emu.requests().iter().all(|r| r.method == "GET"),
        "nothing written"
    );
}

#[test]
fn a_partial_apply_says_how_far_it_got() {
    let emu = Emulator::start().unwrap();
    let f = file("groups.yaml", GROUPS);
    // The first POST passes (counted), the second gets a 500.
    emu.push_fault(Fault {
        method: Some("POST".into()),
        ..Fault::default()
    });
    emu.push_fault(Fault {
        method: Some("POST".into()),
        ..Fault::status(500)
    });
    let o = run(
        &emu,
        &[
            "apply",
            "-f",
            f.0.to_str().unwrap(),
            "--user",
            emu.user_id(),
        ],
    );
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    assert!(err.contains("(1 of 2 changes made before it)"), "{err}");
    assert!(err.contains(": failed (1 of 2 changes made)\n"), "{err}");
    assert!(out.contains("Applied: 1 account(s), 1 failed"), "{out}");
    let o = run(
        &emu,
        &[
            "apply",
            "-f",
            f.0.to_str().unwrap(),
            "--user",
            emu.user_id(),
            "--dry-run",
            "--output",
            "json",
        ],
    );
    let plan: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(plan["summary"]["create"], 1, "the first one was made");

    // A write sent and not answered in time may have been made: the report does not say
    // "Nothing applied".
    let emu = Emulator::start().unwrap();
    emu.push_fault(Fault {
        method: Some("POST".into()),
        delay_ms: 3000,
        ..Fault::default()
    });
    let o = run(
        &emu,
        &[
            "--timeout",
            "0.3",
            "apply",
            "-f",
            f.0.to_str().unwrap(),
            "--user",
            emu.user_id(),
        ],
    );
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    assert!(err.contains("may have made this change anyway"), "{err}");
    assert!(
        out.contains("Nothing confirmed applied: 1 account(s), 1 failed"),
        "{out}"
    );
    // So may one a gateway answered 502 or 504 (the work may have been done upstream); it
    // was reported as "Nothing applied".
    for status in [502, 504] {
        let emu = Emulator::start().unwrap();
        emu.push_fault(Fault {
            method: Some("POST".into()),
            ..Fault::status(status)
        });
        let args = [
            "apply",
            "-f",
            f.0.to_str().unwrap(),
            "--user",
            emu.user_id(),
        ];
        let o = run(&emu, &args);
        let (out, err) = text(&o);
        assert_eq!(o.status.code(), Some(1), "{out}{err}");
        assert!(
            err.contains("may have made this change anyway"),
            "{status}: {err}"
        );
        assert!(out.contains("Nothing confirmed applied"), "{status}: {out}");
    }
    // An update answered 504, retried, then answered 503 for good: the first attempt may
    // have made it (the report judged the last answer alone: "Nothing applied").
    let emu = Emulator::start().unwrap();
    let args = [
        "apply",
        "-f",
        f.0.to_str().unwrap(),
        "--user",
        emu.user_id(),
    ];
    assert_eq!(run(&emu, &args).status.code(), Some(0));
    let changed = file("groups.yaml", &GROUPS.replace("10:00", "10:30"));
    emu.push_fault(Fault {
        method: Some("PUT".into()),
        ..Fault::status(504)
    });
    emu.push_fault(Fault {
        method: Some("PUT".into()),
        ..Fault::status(503).times(5)
    });
    let args = [
        "--max-retries",
        "1",
        "apply",
        "-f",
        changed.0.to_str().unwrap(),
        "--user",
        emu.user_id(),
    ];
    let o = run(&emu, &args);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    assert!(err.contains("503"), "the last answer is reported: {err}");
    assert!(err.contains("may have made this change anyway"), "{err}");
    assert!(out.contains("Nothing confirmed applied"), "{out}");
}

/// Each try the command line makes after a 429 is a call of its own: whether an earlier try
/// may have made the change is kept (the report judged the last try alone), and a removal an
/// earlier try may have made is done when the next try finds nothing.
#[test]
fn a_write_tried_again_after_a_429_remembers_an_earlier_try() {
    let f = file("groups.yaml", GROUPS);
    let emu = Emulator::start().unwrap();
    let apply = |path: &std::path::Path, extra: &[&str]| {
        let mut args = vec![
            "--max-retries",
            "1",
            "apply",
            "-f",
            path.to_str().unwrap(),
            "--user",
            emu.user_id(),
        ];
        args.extend_from_slice(extra);
        run(&emu, &args)
    };
    assert_eq!(apply(&f.0, &[]).status.code(), Some(0));
    // Try 1: 504, then 429 (the client's one retry); try 2: 503 twice.
    let changed = file("groups.yaml", &GROUPS.replace("10:00", "10:30"));
    emu.push_fault(Fault {
        method: Some("PUT".into()),
        ..Fault::status(504)
    });
    emu.push_fault(Fault {
        method: Some("PUT".into()),
        ..Fault::status(429).with_retry_after("0")
    });
    emu.push_fault(Fault {
        method: Some("PUT".into()),
        ..Fault::status(503).times(2)
    });
    let o = apply(&changed.0, &[]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    assert!(err.contains("503"), "{err}");
    assert!(err.contains("may have made this change anyway"), "{err}");
    emu.clear_faults();

    // A removal whose answer broke off (made), then 429: the next try finds nothing: done.
    let one = file(
        "one.yaml",
        &GROUPS[..GROUPS.find("  - name: 周末上午").unwrap()],
    );
    emu.push_fault(Fault {
        method: Some("DELETE".into()),
        ..Fault::default().truncated()
    });
    emu.push_fault(Fault {
        method: Some("DELETE".into()),
        ..Fault::status(429).with_retry_after("0")
    });
    let o = apply(&one.0, &["--prune"]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{err}");
    assert!(out.contains("delete \"周末上午\""), "{out}");
}

#[test]
fn planning_waits_out_429s_like_writes() {
    let emu = Emulator::start().unwrap();
    let f = file("groups.yaml", GROUPS);
    // Three 429s use up the client's own retries on the plan's list; the run's limiter then
    // waits the Retry-After and reads it again.
    emu.push_fault(Fault {
        method: Some("GET".into()),
        ..Fault::status(429).with_retry_after("1").times(3)
    });
    let o = run(
        &emu,
        &[
            "apply",
            "-f",
            f.0.to_str().unwrap(),
            "--user",
            emu.user_id(),
        ],
    );
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{err}");
    assert!(out.contains("Slowed down 1 time(s) by HTTP 429"), "{out}");
}

#[test]
fn files_nobody_writes_by_hand_are_refused_quickly_or_read_as_meant() {
    use dialtime_cli::file::parse;
    let groups = GROUPS.trim_start();
    // Two defaults never converge (each run moved the flag).
    let two = groups.replace("is_default: false", "is_default: true");
    let problems = parse("a.yaml", &two).unwrap_err();
    assert!(
        problems
            .iter()
            .any(|p| p.contains("only one group can be the default, and \"工作日白天\" is")),
        "{problems:?}"
    );
    // A quote in a comment or inside a plain scalar does not hide the nesting after it.
    for opener in [
        "# say \"hi\n",
        "x: a\"b\n",
        "x: a-\"b\n",
        "x: a,\"b\n",
        "x: 'it''s ['\n",
        "x: |\n  say \"hi\n",
    ] {
        let deep = format!(
            "{opener}y: {}{}\n{groups}",
            "[".repeat(5_000),
            "]".repeat(5_000)
        );
        let problems = parse("a.yaml", &deep).unwrap_err();
        assert!(
            problems.iter().any(|p| p.contains("nests deeper")),
            "{opener:?}: {problems:?}"
        );
    }
    // An alias bomb: 200 references to an anchor of 20,000 values.
    let anchor = vec!["1"; 20_000].join(", ");
    let refs = vec!["*a"; 200].join(", ");
    let bomb = format!("x: &a [{anchor}]\ny: [{refs}]\n{groups}");
    let problems = parse("a.yaml", &bomb).unwrap_err();
    assert!(
        problems
            .iter()
            .any(|p| p.contains("values (YAML aliases expanded)")),
        "{problems:?}"
    );
    // A byte order mark before JSON.
    let json = format!("\u{feff}{}", r#"{"groups": []}"#);
    let dir = std::env::temp_dir().join(format!("dialtime-cli-bom-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bom.json");
    std::fs::write(&path, json).unwrap();
    let read = dialtime_cli::file::load(&path).unwrap();
    assert!(read.groups.is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn show_takes_1_to_400_days_and_says_so() {
    let emu = Emulator::start().unwrap();
    let f = file("groups.yaml", GROUPS);
    for days in ["0", "401"] {
        let o = run(
            &emu,
            &[
                "show",
                "-f",
                f.0.to_str().unwrap(),
                "--group",
                "工作日白天",
                "--days",
                days,
            ],
        );
        let (out, err) = text(&o);
        assert_eq!(o.status.code(), Some(1), "{days}: {out}{err}");
        assert!(err.contains("1..=400"), "{days}: {err}");
    }
}

#[test]
fn export_quotes_every_string_so_any_yaml_reader_reads_it_back() {
    // Names a YAML 1.1 reader (PyYAML, Ruby, Go's yaml.v2) would take for a boolean, a number,
    // a date or null, and characters a reader folds or refuses when written raw.
    let names = [
        "yes",
        "on",
        "No",
        "1:30",
        "0o17",
        "0x1F",
        "1_000",
        "2026-01-01",
        "~",
        "null",
        "=",
        "- a",
        "# x",
        "a: b",
        "'s",
        "q\"b\\",
        "tab\there",
        "nel\u{85}x",
        "ls\u{2028}ps\u{2029}",
        "\u{feff}bom",
        "del\u{7f}",
        "工作日白天",
        "emoji 📞",
    ];
    let groups: Vec<dialtime::DialTimeGroup> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            serde_json::from_value(serde_json::json!({
                "id": i + 1, "name": name, "user_id": "5832d184-dd53-42a0-8ace-0bf8d660f4cc",
                "content": [
                    {"week": 1, "times": [{"begin_time": "08:00", "end_time": "12:00"},
                                          {"begin_time": "13:30", "end_time": "24:00"}]},
                    {"week": 0, "times": [{"begin_time": "00:00", "end_time": "00:30"}]},
                ],
                "is_default": i == 0, "skip_holiday": i % 2 == 1,
                "created_at": "2026-12-01 09:00:00", "updated_at": "2026-12-01 09:00:00",
            }))
            .unwrap()
        })
        .collect();
    let text = dialtime_cli::file::render(&groups);
    for line in text.lines().filter(|l| l.contains("name:")) {
        let value = line.split_once("name: ").unwrap().1;
        assert!(value.starts_with('"') && value.ends_with('"'), "{line}");
    }
    assert!(
        text.contains(r#"{week: 1, times: [{begin_time: "08:00", end_time: "12:00"}, {begin_time: "13:30", end_time: "24:00"}]}"#),
        "{text}"
    );
    for raw in ['\t', '\u{85}', '\u{2028}', '\u{2029}', '\u{feff}', '\u{7f}'] {
        assert!(!text.contains(raw), "{raw:?} written raw:\n{text}");
    }
    let back = dialtime_cli::file::parse("export.yaml", &text).unwrap();
    assert_eq!(back.groups.len(), groups.len());
    for (read, saved) in back.groups.iter().zip(&groups) {
        assert_eq!(read.name, saved.name);
        assert_eq!(read.content, saved.content);
        assert_eq!(read.is_default, saved.is_default);
        assert_eq!(read.skip_holiday, saved.skip_holiday);
    }
    assert_eq!(dialtime_cli::file::render(&[]), "groups: []\n");
    assert!(dialtime_cli::file::parse("export.yaml", "groups: []\n")
        .unwrap()
        .groups
        .is_empty());
}

#[test]
fn the_plan_says_when_an_unlisted_default_stops_being_it() {
    let old = dialtime::NewDialTimeGroup::builder("旧默认")
        .window(dialtime::Weekday::Friday, "09:00", "18:00")
        .is_default(true)
        .build()
        .unwrap();
    let emu = Emulator::builder().group(old).start().unwrap();
    let f = file("groups.yaml", GROUPS);
    let path = f.0.to_str().unwrap();
    let args = ["apply", "-f", path, "--user", emu.user_id(), "--dry-run"];
    let (out, _) = text(&run(&emu, &args));
    assert!(
        out.contains(&format!(
            "{}: note: \"旧默认\" (id 1) stops being the default: \"工作日白天\" becomes it",
            emu.user_id()
        )),
        "{out}"
    );
    let mut json = args.to_vec();
    json.extend(["--output", "json"]);
    let plan: serde_json::Value = serde_json::from_slice(&run(&emu, &json).stdout).unwrap();
    assert_eq!(
        plan["accounts"][0]["notes"].as_array().unwrap().len(),
        1,
        "{plan}"
    );
    // Pruned, it is deleted (the plan shows that); listed, its own update shows it.
    let mut pruned = args.to_vec();
    pruned.push("--prune");
    let (out, _) = text(&run(&emu, &pruned));
    assert!(
        out.contains("delete \"旧默认\"") && !out.contains("note:"),
        "{out}"
    );
    let listed = file(
        "listed.yaml",
        &format!(
            "{GROUPS}  - name: 旧默认\n    content: [{{week: 5, times: [{{begin_time: \"09:00\", end_time: \"18:00\"}}]}}]\n    is_default: false\n    skip_holiday: false\n"
        ),
    );
    let (out, err) = text(&run(
        &emu,
        &[
            "apply",
            "-f",
            listed.0.to_str().unwrap(),
            "--user",
            emu.user_id(),
            "--dry-run",
        ],
    ));
    assert!(
        out.contains("update \"旧默认\": is_default: true → false") && !out.contains("note:"),
        "{out}{err}"
    );
}

#[test]
fn a_file_on_standard_input_and_a_merge_key_named() {
    use std::io::Write as _;
    use std::process::Stdio;
    let emu = Emulator::start().unwrap();
    let with_stdin = |args: &[&str], input: &str| {
        let mut child = dialtime(&emu, args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let o = with_stdin(&["apply", "-f", "-", "--user", emu.user_id()], GROUPS);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    assert_eq!(emu.write_count(), 2);
    let merged = r#"
base: &base
  content: [{week: 1, times: [{begin_time: "09:00", end_time: "18:00"}]}]
  is_default: false
  skip_holiday: true
groups:
  - {<<: *base, name: a}
"#;
    let o = with_stdin(&["validate", "-f", "-"], merged);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err.contains("<stdin>: ") && err.contains("YAML merge keys (`<<: *anchor`) are not read"),
        "{err}"
    );
    assert!(err.contains("line 7"), "the position is given: {err}");
    // Anywhere, not only at a group's top: in a day of its content.
    let in_a_day = r#"
groups:
  - name: a
    content: [{<<: {week: 1}, times: []}]
    is_default: false
    skip_holiday: true
"#;
    let (_, err) = text(&with_stdin(&["validate", "-f", "-"], in_a_day));
    assert!(err.contains("YAML merge keys"), "{err}");
    assert!(
        !err.contains("is required"),
        "no false 'missing' fields: {err}"
    );
}
