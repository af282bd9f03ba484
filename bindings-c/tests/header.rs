//! include/dialtime.h is exactly what the pinned cbindgen generates from this crate.
//! Regenerate it with `make header` (DIALTIME_BLESS=1 cargo test -p dialtime-c --test header).

use std::path::PathBuf;

#[test]
fn the_committed_header_is_current() {
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).unwrap();
    let mut generated = Vec::new();
    cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen failed")
        .write(&mut generated);
    let path = crate_dir.join("../include/dialtime.h");
    if std::env::var_os("DIALTIME_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "include/dialtime.h is stale: run `make header` and commit it"
    );
}

/// Every kind of the core has the C status of the same number and name
/// (`DIALTIME_STATUS_RATE_LIMITED = 4`), read from the committed header, so the C enum cannot
/// drift from `ErrorKind`.
#[test]
fn the_status_numbers_are_the_cores_error_kinds() {
    let header = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../include/dialtime.h"),
    )
    .unwrap();
    for kind in dialtime::ErrorKind::ALL {
        let line = format!(
            "DIALTIME_STATUS_{} = {},",
            kind.as_str().to_ascii_uppercase(),
            kind.number()
        );
        assert!(header.contains(&line), "the header lacks `{line}`");
    }
    assert!(header.contains("DIALTIME_STATUS_OK = 0,"));
}
