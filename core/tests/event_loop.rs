//! The shared runtime as an event loop drives it (`EventLoop`, what the asyncio and Node
//! bridges use): calls run on the loop's thread with no hand-off, answers are read there when
//! the reactor's descriptor turns readable, and work the loop leaves alone (a timeout while it
//! does not drive, a claim given up with calls in flight, blocking calls from other threads)
//! is still driven. Each test takes the process's one claim in turn (`QUIET`).

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

mod common;

use dialtime::__private::runtime::EventLoop;
use dialtime::client::log::{Attempt, Level, Logger};
use dialtime_emulator::Emulator;

static QUIET: Mutex<()> = Mutex::new(());

fn quiet() -> std::sync::MutexGuard<'static, ()> {
    QUIET.lock().unwrap_or_else(|e| e.into_inner())
}

/// Notes the thread each attempt is logged on (the thread that ran the exchange).
#[derive(Default)]
struct Threads(Mutex<Vec<ThreadId>>);

impl Logger for Threads {
    fn enabled(&self, _: Level) -> bool {
        true
    }
    fn log(&self, _: &Attempt<'_>) {
        self.0.lock().unwrap().push(std::thread::current().id());
    }
}

fn client(url: &str, token: &str, logger: Option<Arc<Threads>>) -> dialtime::Client {
    let mut builder = dialtime::Client::builder()
        .base_url(url)
        .token(token)
        .max_retries(0)
        .timeout(Duration::from_secs(10));
    if let Some(logger) = logger {
        builder = builder.logger(logger);
    }
    builder.build().unwrap()
}

/// Waits (at most `limit`) for the reactor's descriptor to turn readable.
fn wait_readable(fd: i32, limit: Duration) {
    let mut p = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd.
    unsafe { libc::poll(&mut p, 1, limit.as_millis() as i32) };
}

/// What an event loop does until `done` says so: wait for the reactor (while it watches it),
/// drive what it made ready; when a blocking call drives the runtime elsewhere, stop watching
/// (as the bridges do until their next call). Fails the test after 10 s.
fn run_loop(lp: &EventLoop, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    let mut watching = true;
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the loop never finished"
        );
        if watching {
            wait_readable(lp.fd(), Duration::from_millis(50));
            if !lp.ready() {
                watching = false;
                lp.set_watching(false);
            }
        } else {
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

/// Spawns `fut` as a bridge does: watching the reactor again from this call on.
fn call(lp: &EventLoop, fut: impl std::future::Future<Output = ()> + Send + 'static) {
    lp.set_watching(true);
    lp.spawn(fut).unwrap();
}

#[test]
fn calls_run_on_the_loops_thread() {
    let _quiet = quiet();
    let emu = Emulator::start().unwrap();
    let threads = Arc::new(Threads::default());
    let client = client(emu.base_url(), emu.token(), Some(threads.clone()));
    let lp = EventLoop::claim().expect("the first claim in this process succeeds");
    lp.set_watching(true);
    let user = emu.user_id().to_string();
    // The runtime's first start (its driver thread then drives until it steps aside) is not
    // what this test looks at.
    common::client(&emu)
        .dial_time_groups()
        .list(&user, &Default::default())
        .unwrap();
    for i in 0..50 {
        let (tx, rx) = mpsc::channel();
        let (client, user) = (client.clone(), user.clone());
        lp.spawn(async move {
            let saved = client
                .dial_time_groups()
                .create(&user, &common::group(&format!("g{i}")))
                .await;
            tx.send(saved.map(|g| g.name)).unwrap();
        })
        .unwrap();
        let answer = std::cell::RefCell::new(None);
        run_loop(&lp, || {
            if let Ok(got) = rx.try_recv() {
                *answer.borrow_mut() = Some(got);
            }
            answer.borrow().is_some()
        });
        assert_eq!(answer.into_inner().unwrap().unwrap(), format!("g{i}"));
    }
    let seen = threads.0.lock().unwrap().clone();
    assert_eq!(seen.len(), 50);
    let here = std::thread::current().id();
    assert!(seen.iter().all(|t| *t == here), "{seen:?}");
    assert_eq!(emu.write_count(), 50);
}

#[test]
fn sequential_loop_calls_reuse_one_connection() {
    let _quiet = quiet();
    let page = r#"{"code":200,"status":"success","message":"ok","meta":{"current_page":1,"last_page":1},"data":[]}"#;
    let answer = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{page}",
        page.len()
    );
    let (url, accepted) = common::raw_server_counting(move |_| answer.clone());
    let client = client(&url, "event-loop-token", None);
    let lp = EventLoop::claim().expect("claimed");
    for _ in 0..200 {
        let (tx, rx) = mpsc::channel();
        let client = client.clone();
        call(&lp, async move {
            let r = client
                .dial_time_groups()
                .list(common::SUB, &Default::default())
                .await;
            tx.send(r.is_ok()).unwrap();
        });
        let mut ok = None;
        run_loop(&lp, || {
            ok = ok.or(rx.try_recv().ok());
            ok.is_some()
        });
        assert_eq!(ok, Some(true));
    }
    assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 1);
}

#[test]
fn a_second_claim_waits_for_the_first_to_be_dropped() {
    let _quiet = quiet();
    let first = EventLoop::claim().expect("claimed");
    assert!(EventLoop::claim().is_none());
    drop(first);
    assert!(EventLoop::claim().is_some());
}

#[test]
fn a_timeout_fires_while_the_loop_does_not_drive() {
    let _quiet = quiet();
    // Accepts and never answers.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming().flatten() {
            held.push(s);
        }
    });
    let client = dialtime::Client::builder()
        .base_url(&url)
        .token("event-loop-token")
        .max_retries(0)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let lp = EventLoop::claim().expect("claimed");
    lp.set_watching(true);
    let (tx, rx) = mpsc::channel();
    let start = Instant::now();
    lp.spawn(async move {
        let r = client
            .dial_time_groups()
            .list(common::SUB, &Default::default())
            .await;
        tx.send(r.map(|_| ())).unwrap();
    })
    .unwrap();
    // The loop is busy elsewhere: it never drives. The driver thread fires the timer.
    let outcome = rx.recv_timeout(Duration::from_secs(5)).expect("settled");
    let err = outcome.unwrap_err();
    assert_eq!(err.kind(), dialtime::ErrorKind::Timeout, "{err}");
    assert!(start.elapsed() >= Duration::from_millis(200));
}

#[test]
fn calls_in_flight_finish_after_the_claim_is_dropped() {
    let _quiet = quiet();
    let emu = Emulator::start().unwrap();
    let client = client(emu.base_url(), emu.token(), None);
    let lp = EventLoop::claim().expect("claimed");
    lp.set_watching(true);
    let (tx, rx) = mpsc::channel();
    for i in 0..8 {
        let (client, user, tx) = (client.clone(), emu.user_id().to_string(), tx.clone());
        lp.spawn(async move {
            let r = client
                .dial_time_groups()
                .create(&user, &common::group(&format!("d{i}")))
                .await;
            tx.send(r.is_ok()).unwrap();
        })
        .unwrap();
    }
    drop(lp);
    for _ in 0..8 {
        assert!(rx.recv_timeout(Duration::from_secs(5)).expect("settled"));
    }
}

#[test]
fn blocking_calls_from_other_threads_mix_with_the_loops_calls() {
    let _quiet = quiet();
    let emu = Emulator::start().unwrap();
    let client = client(emu.base_url(), emu.token(), None);
    let lp = EventLoop::claim().expect("claimed");
    lp.set_watching(true);
    let blocking: Vec<_> = (0..4)
        .map(|t| {
            let c = common::client(&emu);
            let user = emu.user_id().to_string();
            std::thread::spawn(move || {
                for i in 0..25 {
                    c.dial_time_groups()
                        .create(&user, &common::group(&format!("b{t}-{i}")))
                        .unwrap();
                }
            })
        })
        .collect();
    let (tx, rx) = mpsc::channel();
    for i in 0..100 {
        let (client, user, tx) = (client.clone(), emu.user_id().to_string(), tx.clone());
        call(&lp, async move {
            let r = client
                .dial_time_groups()
                .create(&user, &common::group(&format!("l{i}")))
                .await;
            tx.send(r.is_ok()).unwrap();
        });
        if i % 10 == 9 {
            // Sometimes the loop drives, sometimes it watches without driving.
            let mut got = 0;
            run_loop(&lp, || {
                while let Ok(ok) = rx.try_recv() {
                    assert!(ok);
                    got += 1;
                }
                got >= 5
            });
            for _ in got..10 {
                assert!(rx.recv_timeout(Duration::from_secs(10)).expect("settled"));
            }
        }
    }
    for b in blocking {
        b.join().unwrap();
    }
    assert_eq!(emu.write_count(), 200);
}

#[test]
fn a_blocking_call_on_the_loops_own_thread_with_its_calls_in_flight_finishes() {
    let _quiet = quiet();
    let emu = Emulator::start().unwrap();
    let client = client(emu.base_url(), emu.token(), None);
    let lp = EventLoop::claim().expect("claimed");
    lp.set_watching(true);
    let (tx, rx) = mpsc::channel();
    let user = emu.user_id().to_string();
    lp.spawn(async move {
        let r = client
            .dial_time_groups()
            .create(&user, &common::group("a"))
            .await;
        tx.send(r.is_ok()).unwrap();
    })
    .unwrap();
    // The loop's thread blocks in a sync call (the loop cannot drive meanwhile).
    let sync = common::client(&emu);
    sync.dial_time_groups()
        .create(emu.user_id(), &common::group("b"))
        .unwrap();
    assert!(rx.recv_timeout(Duration::from_secs(5)).expect("settled"));
}
