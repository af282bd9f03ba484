//! The TLS configuration of the clients that trust the system's root certificates (every
//! client but those given their own roots, and those that can only speak plain HTTP to this
//! machine).
//!
//! On Linux and the other Unixes, reqwest read and parsed the system's roots for every client
//! it built: 3.5 ms and ~100 KB per client here (292 roots), for a program that makes a
//! client per account or per request. The verifier holding them is built once per process
//! instead, by the same crate reqwest uses (`rustls-platform-verifier`; on macOS and Windows it
//! reads nothing and asks the system at each handshake), and each client gets a configuration
//! of its own around it (its own session cache, as before). So on Linux the roots are those
//! read for the first such client: a change to the system's store, or to `SSL_CERT_FILE` /
//! `SSL_CERT_DIR`, applies from the next process. A crypto provider the application installs
//! after that first client gets reqwest's own configuration, as before (roots read again).

use std::ptr;
use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};
use std::sync::Arc;

use rustls::client::danger::ServerCertVerifier;
use rustls::crypto::CryptoProvider;

use crate::error::{Error, Result};

/// How many times this process built the system's verifier (once as a rule), for the tests.
static BUILT: AtomicUsize = AtomicUsize::new(0);

struct System {
    provider: Arc<CryptoProvider>,
    verifier: Arc<dyn ServerCertVerifier>,
}

/// The verifier, once built; never freed. Published without a lock, as the runtime's state
/// is: a process forked while another thread was building it (a `LazyLock`'s initializer
/// reading the roots for milliseconds) would wait forever in the child for a thread it does
/// not have. Threads that find none build one each, and the first to publish wins.
static SYSTEM: AtomicPtr<System> = AtomicPtr::new(ptr::null_mut());

fn system() -> std::result::Result<&'static System, String> {
    // SAFETY: null or a pointer from Box::into_raw below, never freed.
    if let Some(built) = unsafe { SYSTEM.load(Ordering::Acquire).as_ref() } {
        return Ok(built);
    }
    BUILT.fetch_add(1, Ordering::Relaxed);
    // As reqwest chooses: a provider the application installed, else aws-lc-rs.
    let provider = CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| Arc::new(rustls::crypto::aws_lc_rs::default_provider()));
    // Not kept when it fails (no root found): a later client tries again.
    let verifier = rustls_platform_verifier::Verifier::new(provider.clone())
        .map_err(|e| format!("the system's root certificates cannot be used: {e}"))?;
    let fresh = Box::into_raw(Box::new(System {
        provider,
        verifier: Arc::new(verifier),
    }));
    match SYSTEM.compare_exchange(ptr::null_mut(), fresh, Ordering::AcqRel, Ordering::Acquire) {
        // SAFETY: just published, never freed.
        Ok(_) => Ok(unsafe { &*fresh }),
        Err(first) => {
            // SAFETY: `fresh` was never shared; `first` was published and is never freed.
            drop(unsafe { Box::from_raw(fresh) });
            Ok(unsafe { &*first })
        }
    }
}

/// A TLS configuration trusting the system's roots, for one client (see the module doc);
/// `None` when the application installed another crypto provider since the shared verifier
/// was built (reqwest then builds the configuration with it).
pub(crate) fn system_roots() -> Result<Option<rustls::ClientConfig>> {
    let system =
        system().map_err(|e| Error::config(format!("cannot build the HTTP client: {e}")))?;
    if CryptoProvider::get_default().is_some_and(|now| !Arc::ptr_eq(now, &system.provider)) {
        return Ok(None);
    }
    let mut config = rustls::ClientConfig::builder_with_provider(system.provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::config(format!("cannot build the HTTP client: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(system.verifier.clone())
        .with_no_client_auth();
    // What reqwest offers with HTTP/2 enabled and no version preference (it does not adjust
    // a configuration given to it: `http1_only` or HTTP/2 prior knowledge would need theirs).
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Some(config))
}

/// How many times this process read the system's roots (once as a rule), for the tests.
pub(crate) fn system_roots_loaded() -> usize {
    BUILT.load(Ordering::Relaxed)
}
