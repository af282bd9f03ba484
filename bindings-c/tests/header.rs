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
