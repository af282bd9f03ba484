"""What mypy sees: a forgotten ``await`` on an AsyncClient method is an error
(``unused-coroutine``), because the methods are ``async def``."""

from __future__ import annotations

import pathlib
import subprocess
import sys

import pytest

HERE = pathlib.Path(__file__).parent


def test_mypy_flags_a_forgotten_await():
    pytest.importorskip("mypy")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(HERE / "typing" / "forgotten_await.py")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "[unused-coroutine]" in done.stdout, done.stdout


def test_mypy_flags_what_does_not_exist_at_run_time():
    pytest.importorskip("mypy")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(HERE / "typing" / "not_at_run_time.py")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    flagged = sorted(int(line.split(":")[1]) for line in done.stdout.splitlines() if ": error:" in line)
    assert flagged == [12, 13], done.stdout
