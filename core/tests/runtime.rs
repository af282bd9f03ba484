//! The shared runtime as blocking callers drive it: calls run on the caller's thread, reuse
//! one connection, survive a server closing an idle one, take turns across threads, and
//! leave spawned work (what the asyncio and Node bridges do) driven whoever is around.

use std::io::{Read, Write};
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::time::Duration;

mod common;

use dialtime::BlockingClient;
use dialtime_emulator::Emulator;

const USER: &str = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";

/// Whether a call drives the runtime itself depends on what else is in flight in the
/// process: these tests take turns, so that each sees only its own calls.
static QUIET: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn quiet() -> std::sync::MutexGuard<'static, ()> {
    QUIET.lock().unwrap_or_else(|e| e.into_inner())
}

fn envelope(data: &str, meta: &str) -> String {
    let body = format!(r#"{{"code":200,"status":"success","message":"ok",{meta}"data":{data}}}"#);
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
}

fn empty_page() -> String {
    envelope("[]", r#""meta":{"current_page":1,"last_page":1},"#)
}

fn saved(name: &str) -> String {
    let group = format!(
        r#"{{"id":7,"name":"{name}","user_id":"{USER}","content":[{{"week":1,"times":[{{"begin_time":"08:00","end_time":"20:00"}}]}}],"is_default":false,"skip_holiday":false,"remark":null,"created_at":"2026-12-01 10:00:00","updated_at":"2026-12-01 10:00:00"}}"#
    );
    envelope(&group, "")
}

fn client(url: &str) -> BlockingClient {
    BlockingClient::builder()
        .base_url(url)
        .token("runtime-test-token")
        .max_retries(0)
        .build_blocking()
        .unwrap()
}

use common::group;

#[test]
fn sequential_blocking_calls_use_one_connection() {
    let _quiet = quiet();
    let (url, accepted) = common::raw_server_counting(|_| empty_page());
    let client = client(&url);
    for _ in 0..300 {
        client
            .dial_time_groups()
            .list(USER, &Default::default())
            .unwrap();
    }
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
}

/// A server answering one request per connection, keep-alive announced, then closing it
/// `linger` later: the client's pooled connection is dead when its next call comes.
fn closing_server(linger: Duration) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            std::thread::spawn(move || {
                let mut seen = Vec::new();
                let mut buf = [0u8; 4096];
                // The head, then its body.
                loop {
                    if let Some(end) = seen.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&seen[..end]);
                        if seen.len() >= end + 4 + common::content_length(&head) {
                            break;
                        }
                    }
                    match stream.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => seen.extend_from_slice(&buf[..n]),
                    }
                }
                let _ = stream.write_all(saved("白天").as_bytes());
                std::thread::sleep(linger);
                // Dropped: FIN to a client that believes the connection idle and reusable.
            });
        }
    });
    url
}

#[test]
fn a_create_after_the_server_closed_the_idle_connection_succeeds() {
    let _quiet = quiet();
    // Closed between two calls that come sooner than the runtime's driver thread takes
    // over (nobody looks at the sockets in between), and after it took over.
    for (linger, gap) in [(3, 10), (20, 150)] {
        let client = client(&closing_server(Duration::from_millis(linger)));
        for _ in 0..10 {
            let created = client
                .dial_time_groups()
                .create(USER, &group("白天"))
                .unwrap();
            assert_eq!(created.name, "白天");
            std::thread::sleep(Duration::from_millis(gap));
        }
    }
}

#[test]
fn many_threads_at_once_all_finish() {
    let _quiet = quiet();
    let emu = Emulator::start().unwrap();
    let client = common::client(&emu);
    let user = emu.user_id();
    std::thread::scope(|s| {
        for t in 0..16 {
            let client = &client;
            s.spawn(move || {
                for i in 0..20 {
                    let name = format!("t{t}-{i}");
                    let created = client
                        .dial_time_groups()
                        .create(user, &group(&name))
                        .unwrap();
                    assert_eq!(created.name, name);
                }
            });
        }
    });
    let all = client
        .dial_time_groups()
        .list_all(user, None)
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    assert_eq!(all.len(), 16 * 20);
}

/// Spawned work finishes whether a blocking call drives the runtime at the time or not.
#[test]
fn spawned_work_is_driven_with_or_without_blocking_callers() {
    let _quiet = quiet();
    use dialtime::__private::runtime::spawn;
    let emu = Emulator::start().unwrap();
    let blocking = common::client(&emu);
    let async_client = dialtime::Client::builder()
        .base_url(emu.base_url())
        .token(emu.token())
        .build()
        .unwrap();
    let user = emu.user_id().to_owned();
    let (done, finished) = mpsc::channel();
    // While nobody drives, while a blocking caller drives, and after blocking calls ended.
    for round in 0..3 {
        let (client, done, owner) = (async_client.clone(), done.clone(), user.clone());
        let name = format!("spawned-{round}");
        spawn(async move {
            tokio::time::sleep(Duration::from_millis(30)).await;
            let created = client
                .dial_time_groups()
                .create(&owner, &group(&name))
                .await;
            let _ = done.send(created.map(|g| g.name));
        })
        .unwrap();
        if round == 1 {
            for i in 0..5 {
                blocking
                    .dial_time_groups()
                    .create(&user, &group(&format!("b{i}")))
                    .unwrap();
            }
        }
        let name = finished
            .recv_timeout(Duration::from_secs(30))
            .expect("spawned work was never driven")
            .unwrap();
        assert_eq!(name, format!("spawned-{round}"));
    }
}

#[test]
fn a_panic_in_a_blocking_call_leaves_the_runtime_usable() {
    let _quiet = quiet();
    use dialtime::__private::runtime::block_on;
    let caught = std::panic::catch_unwind(|| block_on(async { panic!("boom") }));
    assert!(caught.is_err());
    assert_eq!(block_on(async { 41 + 1 }).unwrap(), 42);
    let (url, _) = common::raw_server_counting(|_| empty_page());
    client(&url)
        .dial_time_groups()
        .list(USER, &Default::default())
        .unwrap();
}

/// An interrupt check runs outside the runtime, between slices of the call it asks for, with
/// the call's turn as the caller given up: what it runs (Python runs a signal handler there)
/// may make blocking calls, spawn work or wait for another thread's call while the outer call
/// waits. A blocking call failed with "the blocking client cannot be used inside an async
/// runtime"; spawned work and other threads' calls had nobody driving them.
#[test]
fn an_interrupt_check_may_make_blocking_calls_and_end_the_call() {
    use dialtime::__private::runtime::{block_on, interruptible, Interrupt};
    use std::sync::{Arc, Mutex};
    let _quiet = quiet();
    let nested: Arc<Mutex<Vec<Result<u32, String>>>> = Arc::default();
    let seen = Arc::clone(&nested);
    let check: Interrupt = Arc::new(move || {
        let got = block_on(async {
            tokio::time::sleep(Duration::from_millis(5)).await;
            7u32
        });
        // Work spawned from the check (an asyncio loop's call) and another thread's blocking
        // call are driven while the check waits for them: nobody drove them, the check
        // holding the caller's turn.
        let (tx, rx) = std::sync::mpsc::channel();
        dialtime::__private::runtime::spawn(async move {
            tokio::time::sleep(Duration::from_millis(5)).await;
            let _ = tx.send(());
        })
        .unwrap();
        let spawned = rx.recv_timeout(Duration::from_secs(5)).is_ok();
        let other = std::thread::spawn(|| {
            block_on(async {
                tokio::time::sleep(Duration::from_millis(5)).await;
                7u32
            })
        })
        .join()
        .unwrap();
        let got = match (got, spawned, other) {
            (Ok(7), true, Ok(7)) => Ok(7),
            (got, spawned, other) => Err(format!("{got:?} {spawned} {other:?}")),
        };
        seen.lock().unwrap().push(got);
        false
    });
    let outer = interruptible(check, || {
        block_on(async {
            tokio::time::sleep(Duration::from_millis(230)).await;
            1u32
        })
    });
    assert_eq!(outer.unwrap(), 1);
    let nested = nested.lock().unwrap();
    assert!(nested.len() >= 2, "asked {} times", nested.len());
    assert!(nested.iter().all(|r| r == &Ok(7)), "{nested:?}");

    // A check answering `true` ends the call, after the first period, with a Config error.
    let started = std::time::Instant::now();
    let ended = interruptible(Arc::new(|| true), || {
        block_on(async {
            tokio::time::sleep(Duration::from_secs(10)).await;
        })
    });
    let err = ended.unwrap_err();
    assert_eq!(err.kind(), dialtime::ErrorKind::Config);
    assert!(err.to_string().contains("interrupted"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(5));
    // And the runtime serves the next call.
    assert_eq!(block_on(async { 3 }).unwrap(), 3);
}

/// A blocking call made while its thread ends, after the thread-locals of tokio and dialtime
/// are gone: from another thread-local's destructor here, as from a C `atexit` handler or a
/// C++ static destructor (glibc's `exit` destroys the main thread's thread-locals first). It
/// panicked in the runtime (an abort, in a destructor); it now runs on a thread of its own.
#[test]
fn a_call_made_while_its_thread_ends_is_answered() {
    let _turn = quiet();
    let emu = Emulator::start().unwrap();
    let client = common::client(&emu);
    let user = emu.user_id().to_owned();

    struct AtExit(
        Option<(
            BlockingClient,
            String,
            mpsc::Sender<dialtime::Result<usize>>,
        )>,
    );
    impl Drop for AtExit {
        fn drop(&mut self) {
            if let Some((client, user, done)) = self.0.take() {
                let page = client
                    .dial_time_groups()
                    .list(&user, &dialtime::ListParams::default());
                let _ = done.send(page.map(|p| p.data.len()));
            }
        }
    }
    thread_local! {
        static AT_EXIT: std::cell::RefCell<AtExit> = const { std::cell::RefCell::new(AtExit(None)) };
    }
    let (done, answer) = mpsc::channel();
    std::thread::spawn(move || {
        // Registered first, so destroyed last: after those the calls below register.
        AT_EXIT.with(|a| a.borrow_mut().0 = Some((client.clone(), user.clone(), done)));
        client
            .dial_time_groups()
            .list(&user, &dialtime::ListParams::default())
            .unwrap();
    })
    .join()
    .expect("the thread ends without a panic");
    let listed = answer
        .recv_timeout(Duration::from_secs(10))
        .expect("the destructor's call returned");
    assert_eq!(listed.unwrap(), 0);
}
