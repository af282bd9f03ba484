//! Configuration from the environment. One test, in its own binary, because it changes the
//! process environment.

use dialtime::{Client, ErrorKind};

#[test]
fn token_and_base_url_come_from_the_environment_when_not_given() {
    // SAFETY: this binary runs this single test, so no other thread reads the environment.
    unsafe {
        std::env::remove_var("DIALTIME_TOKEN");
        std::env::remove_var("DIALTIME_BASE_URL");
    }
    let err = Client::new().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains("DIALTIME_TOKEN"), "{err}");

    unsafe {
        std::env::set_var("DIALTIME_TOKEN", "env-token-value");
    }
    let client = Client::new().unwrap();
    assert_eq!(client.base_url(), "https://ai.api.longlonglong.cn");
    assert!(!format!("{client:?}").contains("env-token-value"));

    unsafe {
        std::env::set_var("DIALTIME_BASE_URL", "http://onprem.example:8080/prefix/");
    }
    assert_eq!(
        Client::new().unwrap().base_url(),
        "http://onprem.example:8080/prefix"
    );

    // Explicit settings win over the environment.
    let explicit = Client::builder()
        .base_url("https://other.example")
        .build()
        .unwrap();
    assert_eq!(explicit.base_url(), "https://other.example");
    let bad = Client::builder().token("has space").build().unwrap_err();
    assert_eq!(bad.kind(), ErrorKind::Config);
}
