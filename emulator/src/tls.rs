//! HTTPS for the emulator: a test CA made at start, and a server certificate it issued for
//! `127.0.0.1` and `localhost`. Only for exercising clients' root-certificate options.

use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::TlsAcceptor;

/// The acceptor, and the CA's certificate (PEM) a client must trust.
pub(crate) fn acceptor() -> Result<(TlsAcceptor, String), String> {
    let fail = |what: &str, e: &dyn std::fmt::Display| format!("emulator TLS: {what}: {e}");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(|e| fail("CA", &e))?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "dialtime emulator test CA");
    let ca_key = KeyPair::generate().map_err(|e| fail("CA key", &e))?;
    let ca = CertifiedIssuer::self_signed(ca_params, ca_key).map_err(|e| fail("CA", &e))?;

    let mut params = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
        .map_err(|e| fail("server certificate", &e))?;
    params
        .distinguished_name
        .push(DnType::CommonName, "dialtime emulator");
    let key = KeyPair::generate().map_err(|e| fail("server key", &e))?;
    let cert = params
        .signed_by(&key, &ca)
        .map_err(|e| fail("server certificate", &e))?;

    let chain: Vec<CertificateDer<'static>> = vec![cert.der().clone()];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| fail("protocol versions", &e))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| fail("server certificate", &e))?;
    Ok((TlsAcceptor::from(Arc::new(config)), ca.pem()))
}
