// The shared library carries a versioned SONAME, so programs linked against an installed
// libdialtime find at run time a library of the ABI they were built for: before 1.0 a minor
// release may change the ABI (structs such as dialtime_request_options have no size field),
// so the SONAME names MAJOR.MINOR (`libdialtime.so.0.1`); from 1.0 MAJOR. `make install-c`
// installs the library under that name with `libdialtime.so` pointing to it.
fn main() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_default();
        let minor = std::env::var("CARGO_PKG_VERSION_MINOR").unwrap_or_default();
        let abi = if major == "0" {
            format!("0.{minor}")
        } else {
            major
        };
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libdialtime.so.{abi}");
    }
}
