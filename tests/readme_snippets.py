#!/usr/bin/env python3
"""Every README block introduced by `<!-- snippet: PATH -->` is exactly the file PATH, so the
examples users copy are the ones `make test` runs. Exit status 1 names each stale block."""

import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"<!-- snippet: (\S+) -->\n```[a-z]*\n(.*?)```\n", re.S)


def main() -> int:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = BLOCK.findall(readme)
    stale = [path for path, body in blocks if (ROOT / path).read_text(encoding="utf-8") != body]
    markers = readme.count("<!-- snippet: ")
    if markers != len(blocks):
        print(f"README.md: {markers - len(blocks)} snippet marker(s) without a code block after them")
        return 1
    for path in stale:
        print(f"README.md: the snippet of {path} differs from the file (copy the file into the README)")
    if not stale:
        print(f"README snippets: {len(blocks)} block(s) equal their files")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
