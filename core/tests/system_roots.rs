//! Clients that trust the system's root certificates share one verifier: the roots are read
//! once per process, and that verifier still refuses a server they do not vouch for. One test
//! in its own process, since it points the system's roots (`SSL_CERT_FILE`) at a test CA before
//! any client reads them.

mod common;

use common::client;
use dialtime::{BlockingClient, ErrorKind, ListParams};
use dialtime_emulator::Emulator;

fn list(client: &BlockingClient, emu: &Emulator) -> dialtime::Result<()> {
    client
        .dial_time_groups()
        .list(emu.user_id(), &ListParams::default())
        .map(drop)
}

#[test]
fn clients_share_the_system_roots_read_once_and_still_verify_with_them() {
    let trusted = Emulator::builder().tls(true).start().unwrap();
    let untrusted = Emulator::builder().tls(true).start().unwrap();
    let dir = std::env::temp_dir().join(format!("dialtime-roots-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("roots.pem");
    std::fs::write(&file, trusted.ca_pem().unwrap()).unwrap();
    // The system's roots, for this process: the trusted emulator's CA only (read by
    // rustls-native-certs, as on any Linux system where they are set).
    std::env::set_var("SSL_CERT_FILE", &file);
    std::env::set_var("SSL_CERT_DIR", &dir);
    assert_eq!(dialtime::__private::system_roots_loaded(), 0);

    let clients: Vec<_> = (0..3).map(|_| client(&trusted)).collect();
    for c in &clients {
        list(c, &trusted).unwrap();
    }
    // A server the system's roots do not vouch for is refused, through the shared verifier.
    let err = list(&client(&untrusted), &untrusted).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection, "{err}");
    assert!(
        err.to_string().to_lowercase().contains("certificate"),
        "{err}"
    );
    assert_eq!(
        dialtime::__private::system_roots_loaded(),
        1,
        "four clients, one read of the system's roots"
    );

    // A crypto provider installed after them is used as reqwest would use it: the next client
    // gets reqwest's own configuration (reading the roots again), not the shared verifier.
    rustls::crypto::aws_lc_rs::default_provider()
        .install_default()
        .unwrap();
    list(&client(&trusted), &trusted).unwrap();
    assert_eq!(dialtime::__private::system_roots_loaded(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}
