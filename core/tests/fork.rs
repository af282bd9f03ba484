//! A process forked after dialtime made calls (multiprocessing's `fork`, gunicorn `--preload`,
//! celery prefork) has none of the runtime's threads: its first call used to hang forever.
#![cfg(unix)]

mod common;

use std::time::{Duration, Instant};

use dialtime_emulator::Emulator;

use common::group;

/// Forks; the child runs `child` and exits with its result (0 = passed). The parent waits at
/// most 20 s, killing a child that hangs.
fn in_child(child: impl FnOnce() -> bool) -> Result<(), String> {
    // SAFETY: the child only runs `child` and `_exit`s; the parent waits for it.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        let passed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(child)).unwrap_or(false);
        // SAFETY: ends the child without running the parent's destructors or test harness.
        unsafe { libc::_exit(if passed { 0 } else { 1 }) };
    }
    let started = Instant::now();
    loop {
        let mut status = 0;
        // SAFETY: waits for our own child without blocking.
        let done = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        if done == pid {
            return if libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0 {
                Ok(())
            } else {
                Err(format!("the child failed (status {status})"))
            };
        }
        if started.elapsed() > Duration::from_secs(20) {
            // SAFETY: our own child.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            return Err("the child hung".to_owned());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_forked_child_calls_with_the_parents_clients() {
    let emu = Emulator::start().unwrap();
    let blocking = common::client(&emu);
    blocking
        .dial_time_groups()
        .create(emu.user_id(), &group("parent"))
        .unwrap();
    let asynchronous = blocking.as_async().clone();

    in_child(|| {
        // The blocking client made (and used) before the fork.
        let created = blocking
            .dial_time_groups()
            .create(emu.user_id(), &group("child"))
            .is_ok();
        // The async client, on the child's own runtime.
        let listed = tokio::runtime::Runtime::new().is_ok_and(|rt| {
            rt.block_on(async {
                asynchronous
                    .dial_time_groups()
                    .list(emu.user_id(), &Default::default())
                    .await
                    .is_ok_and(|p| p.data.len() == 2)
            })
        });
        created && listed
    })
    .unwrap();

    // The parent's clients are unharmed by what the child did.
    let page = blocking
        .dial_time_groups()
        .list(emu.user_id(), &Default::default())
        .unwrap();
    assert_eq!(page.data.len(), 2);

    // A grandchild too.
    in_child(|| {
        in_child(|| {
            blocking
                .dial_time_groups()
                .create(emu.user_id(), &group("grandchild"))
                .is_ok()
        })
        .is_ok()
    })
    .unwrap();
    assert_eq!(emu.request_count(), 5);
}

/// A lock another thread holds at the fork (a runtime thread recording an answer, queueing a
/// log record) is one the child can never take: a per-fork lock gives the child its own, and
/// the parent keeps its value.
#[test]
fn a_per_fork_lock_held_by_another_thread_at_the_fork_is_free_in_the_child() {
    use dialtime::__private::runtime::PerFork;
    use std::sync::mpsc;
    static SHARED: PerFork<Vec<u32>> = PerFork::new();
    SHARED.get().lock().unwrap().push(1);
    let (held, release) = (mpsc::channel(), mpsc::channel::<()>());
    let holder = std::thread::spawn(move || {
        let mut guard = SHARED.get().lock().unwrap();
        guard.push(2);
        held.0.send(()).unwrap();
        release.1.recv().unwrap();
    });
    held.1.recv().unwrap();
    let result = in_child(|| {
        let mut fresh = SHARED.get().lock().unwrap();
        let empty = fresh.is_empty();
        fresh.push(3);
        empty
    });
    release.0.send(()).unwrap();
    holder.join().unwrap();
    result.unwrap();
    assert_eq!(*SHARED.get().lock().unwrap(), [1, 2]);
}

/// A forked child's copy of an emulator its parent started: its faults and request log are
/// the parent's server's, behind locks a thread of the parent may hold at the fork (the server
/// recording a request, a test reading the log). The copy's methods took them and hung (8 of
/// 60 forks from C); they now do nothing there, and the parent's server is untouched.
#[test]
fn a_forked_childs_emulator_never_waits_for_the_parents_locks() {
    use dialtime_emulator::Fault;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let emu = Arc::new(Emulator::start().unwrap());
    let client = common::client(&emu);
    // A log long enough that reading it holds its lock for a while, read in a loop.
    for _ in 0..2_000 {
        client
            .dial_time_groups()
            .list(emu.user_id(), &Default::default())
            .unwrap();
    }
    let stop = Arc::new(AtomicBool::new(false));
    let reader = {
        let (emu, stop) = (Arc::clone(&emu), Arc::clone(&stop));
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                assert!(emu.requests().len() >= 2_000);
            }
        })
    };
    let mut results = Vec::new();
    for _ in 0..10 {
        results.push(in_child(|| {
            let id = emu.push_fault(Fault::status(500));
            emu.is_forked_copy()
                && id.get() == 0
                && emu.pending_faults() == 0
                && emu.requests().is_empty()
                && emu.last_request().is_none()
                && !emu.remove_fault(id)
                && {
                    emu.clear_requests();
                    emu.clear_faults();
                    true
                }
        }));
    }
    stop.store(true, Ordering::Relaxed);
    reader.join().unwrap();
    for r in results {
        r.unwrap();
    }
    // The parent's emulator: no fault queued by the children, its log whole.
    assert!(!emu.is_forked_copy());
    assert_eq!(emu.pending_faults(), 0);
    assert!(emu.requests().len() >= 2_000);
}
