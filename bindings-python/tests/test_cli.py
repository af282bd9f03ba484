"""The ``dialtime`` console script the wheel installs: the Rust command line."""

from __future__ import annotations

import pathlib
import subprocess
import sys

import pytest

from dialtime.testing import Emulator

SCRIPT = pathlib.Path(sys.executable).with_name("dialtime")


@pytest.mark.skipif(not SCRIPT.exists(), reason="the console script is installed by pip")
def test_the_console_script_runs_the_command_line(tmp_path: pathlib.Path) -> None:
    done = subprocess.run([str(SCRIPT), "calendar", "2026"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "2026-10-01 Thu\toff\t国庆节" in done.stdout
    bad = subprocess.run([str(SCRIPT), "frobnicate"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1 and "frobnicate" in bad.stderr  # 2 is --detailed-exitcode's "changes planned"
    # A file name that is not UTF-8 reaches the command line as the bytes it is (it ended in
    # a UnicodeEncodeError traceback).
    odd = subprocess.run([str(SCRIPT).encode(), b"validate", b"-f", bytes(tmp_path) + b"/\xff.yaml"],
                         capture_output=True, timeout=60)
    assert odd.returncode == 1 and b"Traceback" not in odd.stderr, odd.stderr
    assert b".yaml" in odd.stderr
    # With its standard output closed (`>&-`) it runs, printing nothing (a traceback before).
    closed = subprocess.run(["sh", "-c", '"$0" validate -f "$1" >&-', str(SCRIPT), str(tmp_path / "none.yaml")],
                            capture_output=True, text=True, timeout=60)
    assert closed.returncode == 1 and "Traceback" not in closed.stderr, closed.stderr
    assert "none.yaml" in closed.stderr
    groups = tmp_path / "groups.yaml"
    groups.write_text(
        "groups:\n  - name: 工作日\n    content: [{week: 1, times: [{begin_time: '09:00', end_time: '18:00'}]}]\n"
        "    is_default: true\n    skip_holiday: true\n",
        encoding="utf-8",
    )
    with Emulator() as emu:
        token = tmp_path / "token"
        token.write_text(emu.token)
        args = [str(SCRIPT), "--base-url", emu.base_url, "--token-file", str(token)]
        applied = subprocess.run(args + ["apply", "-f", str(groups), "--user", emu.user_id], capture_output=True, text=True, timeout=60)
        assert applied.returncode == 0, applied.stderr
        assert 'create "工作日"' in applied.stdout
        assert emu.token not in applied.stdout + applied.stderr
