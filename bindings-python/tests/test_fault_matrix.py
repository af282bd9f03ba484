"""The fault matrix (tests/vectors/faults.json): every fault × every operation against the
emulator, through the sync client; each cell checks the error class, the number of requests
the server saw, and that a create never left two groups behind."""

from __future__ import annotations

import concurrent.futures
import socket
from typing import Any, Callable, Dict, List

import pytest

import dialtime
from dialtime.testing import Emulator
from conftest import vectors

MATRIX = vectors("faults.json")
CLASSES = {
    "ok": None,
    "connection": dialtime.APIConnectionError,
    "timeout": dialtime.APITimeoutError,
    "rate_limited": dialtime.RateLimitError,
    "server": dialtime.ServerError,
    "decode": dialtime.DecodeError,
    "api": dialtime.APIError,
}


def dead_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def cell(fault: Dict[str, Any], op: str) -> None:
    with Emulator() as emu:
        clean = dialtime.Client(emu.token, base_url=emu.base_url, max_retries=0)
        seeded = clean.dial_time_groups.create(emu.user_id, **MATRIX["seed"])
        if fault.get("refused"):
            url = dead_url()
        else:
            emu.push_fault(**{**fault["fault"], "times": 99})
            url = emu.base_url
        settings = MATRIX["client"]
        client = dialtime.Client(emu.token, base_url=url, max_retries=settings["max_retries"],
                                 timeout=settings["timeout_ms"] / 1000)
        groups = client.dial_time_groups
        run: Dict[str, Callable[[], object]] = {
            "create": lambda: groups.create(emu.user_id, **MATRIX["create"]),
            "list": lambda: groups.list(emu.user_id),
            "list_all": lambda: list(groups.list_all(emu.user_id)),
            "update": lambda: groups.update(emu.user_id, seeded.id, **MATRIX["update"]),
            "delete": lambda: groups.delete(emu.user_id, seeded.id),
            "ensure": lambda: groups.ensure(emu.user_id, **MATRIX["seed"]),
        }
        before = emu.request_count
        want = fault["expect"][op]
        expected = CLASSES[want["kind"]]
        label = f"{fault['name']} × {op}"
        if expected is None:
            run[op]()
        else:
            with pytest.raises(dialtime.DialtimeError) as caught:
                run[op]()
            assert type(caught.value) is expected, f"{label}: {type(caught.value).__name__}: {caught.value}"
        emu.clear_faults()
        assert emu.request_count - before == want["requests"], label
        if op == "create":
            named: List[dialtime.DialTimeGroup] = [g for g in clean.dial_time_groups.list_all(emu.user_id)
                                                   if g.name == MATRIX["create"]["name"]]
            assert len(named) <= 1


@pytest.mark.parametrize("fault", MATRIX["faults"], ids=[f["name"] for f in MATRIX["faults"]])
def test_fault(fault: Dict[str, Any]) -> None:
    # The operations of one fault run on threads at once (each on its own emulator; the GIL
    # is released during calls).
    with concurrent.futures.ThreadPoolExecutor(len(MATRIX["operations"])) as pool:
        for done in [pool.submit(cell, fault, op) for op in MATRIX["operations"]]:
            done.result()
