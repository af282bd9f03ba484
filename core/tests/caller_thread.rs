//! A blocking call with nothing else in flight runs on the caller's own thread. Its tests
//! need a process where nothing else is in flight, so they take turns (`QUIET`).
//!
//! It runs its socket writes there too. In a C host SIGPIPE kills the process by default;
//! the call must turn it into an error and leave the thread's mask as it was. This test
//! binary sets SIGPIPE back to its default action (Rust ignores it), so a leak of the signal
//! ends the test process.

use std::io::Read;
use std::sync::{Arc, Mutex};
use std::thread::ThreadId;
use std::time::Duration;

use dialtime::client::log::{Attempt, Level, Logger};
use dialtime::BlockingClient;
use dialtime_emulator::Emulator;

static QUIET: Mutex<()> = Mutex::new(());

/// A turn: these tests count the threads calls run on, so they run one at a time.
fn quiet() -> std::sync::MutexGuard<'static, ()> {
    QUIET.lock().unwrap_or_else(|e| e.into_inner())
}

/// Notes the thread each attempt is logged on.
struct Threads(Mutex<Vec<ThreadId>>);

impl Logger for Threads {
    fn enabled(&self, _: Level) -> bool {
        true
    }
    fn log(&self, _: &Attempt<'_>) {
        self.0.lock().unwrap().push(std::thread::current().id());
    }
}

#[test]
fn a_sequential_blocking_call_runs_on_the_callers_thread() {
    let _quiet = quiet();
    let emu = Emulator::start().unwrap();
    let threads = Arc::new(Threads(Mutex::new(Vec::new())));
    let client = BlockingClient::builder()
        .base_url(emu.base_url())
        .token(emu.token())
        .logger(threads.clone())
        .build_blocking()
        .unwrap();
    for _ in 0..5 {
        client
            .dial_time_groups()
            .list(emu.user_id(), &Default::default())
            .unwrap();
    }
    let seen = threads.0.lock().unwrap().clone();
    assert_eq!(seen.len(), 5);
    assert!(
        seen.iter().all(|t| *t == std::thread::current().id()),
        "{seen:?}"
    );
}

#[test]
fn a_write_to_a_closed_socket_on_the_callers_thread_does_not_raise_sigpipe() {
    let _quiet = quiet();
    // SAFETY: restores the default disposition, as in a C program; no handler is installed.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut buf = [0u8; 16];
            let _ = stream.read(&mut buf);
            // Closed with unread data pending: the kernel answers with a reset.
            drop(stream);
        }
    });
    let written = dialtime::__private::runtime::block_on(async move {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        let chunk = vec![b'x'; 64 * 1024];
        loop {
            stream.writable().await?;
            // Vectored, as hyper writes (std's plain `send` would pass MSG_NOSIGNAL).
            match stream.try_write_vectored(&[std::io::IoSlice::new(&chunk)]) {
                Ok(_) => tokio::time::sleep(Duration::from_millis(5)).await,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                // The reset is reported once; the next write is the one that raises SIGPIPE.
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
                Err(e) => return Err::<(), _>(e),
            }
        }
    })
    .unwrap();
    let err = written.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe, "{err}");
    // The mask is as it was: SIGPIPE not blocked, none pending (it would have killed us on
    // unblocking).
    // SAFETY: fully initialized sets, this thread's mask and pending signals only.
    unsafe {
        let mut mask = std::mem::MaybeUninit::<libc::sigset_t>::uninit();
        libc::sigemptyset(mask.as_mut_ptr());
        assert_eq!(
            libc::pthread_sigmask(libc::SIG_BLOCK, std::ptr::null(), mask.as_mut_ptr()),
            0
        );
        assert_eq!(libc::sigismember(mask.as_ptr(), libc::SIGPIPE), 0);
        let mut pending = std::mem::MaybeUninit::<libc::sigset_t>::uninit();
        libc::sigemptyset(pending.as_mut_ptr());
        libc::sigpending(pending.as_mut_ptr());
        assert_eq!(libc::sigismember(pending.as_ptr(), libc::SIGPIPE), 0);
    }
}

#[test]
fn a_write_to_a_closed_socket_on_an_event_loops_thread_does_not_raise_sigpipe() {
    use dialtime::__private::runtime::EventLoop;
    let _quiet = quiet();
    // SAFETY: restores the default disposition, as in a C program; no handler is installed.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut buf = [0u8; 16];
            let _ = stream.read(&mut buf);
            drop(stream);
        }
    });
    let lp = EventLoop::claim().expect("claimed");
    lp.set_watching(true);
    let (tx, rx) = std::sync::mpsc::channel();
    lp.spawn(async move {
        let written = async {
            let stream = tokio::net::TcpStream::connect(addr).await?;
            let chunk = vec![b'x'; 64 * 1024];
            loop {
                stream.writable().await?;
                match stream.try_write_vectored(&[std::io::IoSlice::new(&chunk)]) {
                    Ok(_) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                    Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
                    Err(e) => return Err::<(), _>(e),
                }
            }
        };
        let _ = tx.send(written.await);
    })
    .unwrap();
    // The loop's thread drives every write (nothing here waits on a timer).
    let start = std::time::Instant::now();
    let err = loop {
        if let Ok(outcome) = rx.try_recv() {
            break outcome.unwrap_err();
        }
        assert!(start.elapsed() < Duration::from_secs(10), "never failed");
        let mut p = libc::pollfd {
            fd: lp.fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        unsafe { libc::poll(&mut p, 1, 20) };
        lp.ready();
    };
    assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe, "{err}");
}
