#!/usr/bin/env python3
"""One version, in Cargo.toml's [workspace.package], drives every artifact: each crate
inherits it, the wheel takes it from Cargo (pyproject's version is dynamic), the npm main
package, its lock file, its optional per-platform packages and each of npm/*/package.json
carry it, and CHANGELOG.md has an entry for it (or its Unreleased section, before a release).
The built artifacts report it at run time (checked by make test: dialtime.__version__,
require('dialtime').VERSION, pkg-config --modversion). Exit status 1 names each mismatch.
"""

import json
import pathlib
import re
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[1]


def main() -> int:
    cargo = tomllib.loads((ROOT / "Cargo.toml").read_text(encoding="utf-8"))
    version = cargo["workspace"]["package"]["version"]
    problems = []
    for member in cargo["workspace"]["members"]:
        crate = tomllib.loads((ROOT / member / "Cargo.toml").read_text(encoding="utf-8"))["package"]
        if crate.get("version") != {"workspace": True}:
            problems.append(f"{member}/Cargo.toml: version must be `version.workspace = true`")
    # Path dependencies on the workspace's own crates carry the same version (for publishing).
    manifests = {"Cargo.toml": cargo} | {
        f"{m}/Cargo.toml": tomllib.loads((ROOT / m / "Cargo.toml").read_text(encoding="utf-8"))
        for m in cargo["workspace"]["members"]
    }
    for where, manifest in manifests.items():
        tables = [manifest.get("workspace", {}).get("dependencies", {})]
        tables += [manifest.get(k, {}) for k in ("dependencies", "dev-dependencies", "build-dependencies")]
        for deps in tables:
            for name, spec in deps.items():
                if isinstance(spec, dict) and "path" in spec and spec.get("version") not in (None, version):
                    problems.append(f"{where}: {name} = {spec['version']}, Cargo.toml says {version}")
    pyproject = tomllib.loads((ROOT / "bindings-python/pyproject.toml").read_text(encoding="utf-8"))
    if "version" not in pyproject["project"].get("dynamic", []) or "version" in pyproject["project"]:
        problems.append("bindings-python/pyproject.toml: the version must be dynamic (from Cargo.toml)")
    node = ROOT / "bindings-node"
    main_pkg = json.loads((node / "package.json").read_text(encoding="utf-8"))
    seen = {"bindings-node/package.json": main_pkg["version"]}
    lock = json.loads((node / "package-lock.json").read_text(encoding="utf-8"))
    seen["bindings-node/package-lock.json"] = lock["version"]
    seen["bindings-node/package-lock.json (packages[''])"] = lock["packages"][""]["version"]
    for name, wanted in main_pkg.get("optionalDependencies", {}).items():
        seen[f"bindings-node/package.json optionalDependencies.{name}"] = wanted
    for platform in sorted((node / "npm").glob("*/package.json")):
        seen[str(platform.relative_to(ROOT))] = json.loads(platform.read_text(encoding="utf-8"))["version"]
    problems += [f"{where}: {found}, Cargo.toml says {version}" for where, found in seen.items() if found != version]
    # One repository URL for every npm package (npm checks it against provenance).
    urls = {json.loads(p.read_text(encoding="utf-8")).get("repository", {}).get("url") for p in [node / "package.json", *(node / "npm").glob("*/package.json")]}
    if len(urls) != 1 or None in urls:
        problems.append(f"bindings-node: the npm packages' repository URLs differ or are missing: {urls}")
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    if not re.search(rf"^## \[({re.escape(version)}|Unreleased)\]", changelog, re.M):
        problems.append(f"CHANGELOG.md: no `## [{version}]` (or `## [Unreleased]`) section")
    for p in problems:
        print(p)
    if not problems:
        print(f"versions: {len(seen) + 2} places agree on {version}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
