#!/usr/bin/env python3
"""Checks what `make dist` wrote to dist/python: one abi3 wheel tagged manylinux2014 (and
auditwheel agreeing), carrying the package, the stubs, the CLI entry point and the pytest
plugin; and an sdist that carries the sources it needs (the workspace's crates, Cargo.lock). Prints
the tags.

usage: check_dist.py DIST_DIR VERSION ARCH (x86_64 or aarch64)
"""

import pathlib
import subprocess
import sys
import tarfile
import zipfile


def fail(message: str) -> None:
    print(f"check_dist: {message}")
    sys.exit(1)


def main() -> None:
    dist, version, arch = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    wheels = sorted(dist.glob("*.whl"))
    sdists = sorted(dist.glob("*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        fail(f"expected one wheel and one sdist in {dist}, found {[p.name for p in dist.iterdir()]}")
    wheel = zipfile.ZipFile(wheels[0])
    info = f"dialtime-{version}.dist-info"
    tags = [line.split(": ", 1)[1] for line in wheel.read(f"{info}/WHEEL").decode().splitlines() if line.startswith("Tag: ")]
    expected = {f"cp39-abi3-manylinux2014_{arch}", f"cp39-abi3-manylinux_2_17_{arch}"}
    if set(tags) != expected:
        fail(f"wheel tags {tags}, expected {sorted(expected)}")
    names = set(wheel.namelist())
    for needed in ("dialtime/__init__.py", "dialtime/_native.pyi", "dialtime/py.typed", "dialtime/pytest_plugin.py"):
        if needed not in names:
            fail(f"the wheel lacks {needed}")
    if not any(n.startswith("dialtime/_native") and n.endswith(".so") for n in names):
        fail("the wheel lacks the native module")
    # The MIT license asks for its text in every copy. maturin takes it from the project's
    # folder: bindings-python/LICENSE, a copy of the repository's (a symlink would be a text
    # file on a Windows checkout), which must stay the same.
    root_license = (pathlib.Path(__file__).resolve().parents[2] / "LICENSE").read_bytes()
    if f"{info}/licenses/LICENSE" not in names or wheel.read(f"{info}/licenses/LICENSE") != root_license:
        fail("the wheel's dist-info/licenses/LICENSE is missing or not the repository's LICENSE")
    entry_points = wheel.read(f"{info}/entry_points.txt").decode()
    for needed in ("[console_scripts]", "dialtime=dialtime._cli:main", "[pytest11]", "dialtime=dialtime.pytest_plugin"):
        if needed not in entry_points:
            fail(f"entry_points.txt lacks {needed!r}:\n{entry_points}")
    shown = subprocess.run(
        [sys.executable, "-m", "auditwheel", "show", str(wheels[0])], capture_output=True, text=True, check=True
    ).stdout
    if f'consistent with the following platform tag: "manylinux_2_17_{arch}"' not in " ".join(shown.split()):
        fail(f"auditwheel does not confirm manylinux_2_17:\n{shown}")
    with tarfile.open(sdists[0]) as sdist:
        members = {m.name.split("/", 1)[1] for m in sdist.getmembers() if "/" in m.name}
    for needed in ("pyproject.toml", "Cargo.toml", "Cargo.lock", "LICENSE", "core/src/lib.rs", "emulator/src/lib.rs", "cli/src/lib.rs"):
        if not any(m == needed or m.endswith("/" + needed) for m in members):
            fail(f"the sdist lacks {needed}")
    print(f"check_dist: {wheels[0].name} (tags {', '.join(sorted(tags))}; auditwheel agrees), {sdists[0].name}")


if __name__ == "__main__":
    main()
