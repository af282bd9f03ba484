"""The ``dialtime`` command: the Rust command line, installed with the wheel."""

from __future__ import annotations

import signal
import sys

from . import _native


def main() -> None:
    # Ctrl-C ends the command at once (Python would only note it while Rust runs).
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    # None when the command runs with its standard output closed (`dialtime … >&-`): the
    # flush raised AttributeError and nothing ran.
    if sys.stdout is not None:
        sys.stdout.flush()
    sys.exit(_native._cli_main(sys.argv))
