// The shared library carries its name as SONAME, so programs linked against an installed
// libdialtime.so (CMake, pkg-config) find it by name at run time.
fn main() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libdialtime.so");
    }
}
