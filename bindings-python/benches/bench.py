"""Latency of one create against the in-process emulator: dialtime (sync and asyncio) vs the
Python HTTP clients available (stdlib http.client always; requests/httpx/aiohttp if
installed), all sending the same payload over a kept-alive connection. `make bench` runs it
after the Rust bench so the numbers can be read against raw reqwest.

    python benches/bench.py [calls]
"""

from __future__ import annotations

import asyncio
import http.client
import json
import statistics
import sys
import time
import urllib.parse
from typing import Callable, Dict, List

import dialtime
from dialtime.testing import Emulator

CALLS = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
ROUNDS = 5
PAYLOAD = {
    "name": "周一周三拨打",
    "content": [
        {"week": 1, "times": [{"begin_time": "08:00", "end_time": "20:00"}, {"begin_time": "20:30", "end_time": "22:00"}]},
        {"week": 3, "times": [{"begin_time": "08:00", "end_time": "12:00"}, {"begin_time": "20:30", "end_time": "22:00"}]},
    ],
    "is_default": False,
    "skip_holiday": True,
}


def per_call(run: Callable[[int], None], n: int) -> float:
    start = time.perf_counter()
    run(n)
    return (time.perf_counter() - start) / n * 1e6


class External:
    """An emulator started elsewhere (DIALTIME_BENCH_URL, _TOKEN, _USER), e.g. as a process."""

    def __init__(self, env: Dict[str, str]) -> None:
        self.base_url = env["DIALTIME_BENCH_URL"]
        self.token = env["DIALTIME_BENCH_TOKEN"]
        self.user_id = env["DIALTIME_BENCH_USER"]

    def __enter__(self) -> "External":
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def main() -> None:
    import os

    server = External(dict(os.environ)) if "DIALTIME_BENCH_URL" in os.environ else Emulator()
    with server as emu:
        url = urllib.parse.urlsplit(emu.base_url)
        path = f"/agent-api/user/{emu.user_id}/dial-time-group"
        headers = {
            "Authorization": f"Bearer {emu.token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        runners: Dict[str, Callable[[int], None]] = {}

        client = dialtime.Client(emu.token, base_url=emu.base_url)

        def dialtime_sync(n: int) -> None:
            create = client.dial_time_groups.create
            for _ in range(n):
                create(emu.user_id, **PAYLOAD)

        runners["dialtime.Client"] = dialtime_sync

        aclient = dialtime.AsyncClient(emu.token, base_url=emu.base_url)

        def dialtime_async(n: int) -> None:
            async def go() -> None:
                create = aclient.dial_time_groups.create
                for _ in range(n):
                    await create(emu.user_id, **PAYLOAD)

            asyncio.run(go())

        runners["dialtime.AsyncClient"] = dialtime_async

        conn = http.client.HTTPConnection(url.hostname, url.port)

        def stdlib(n: int) -> None:
            for _ in range(n):
                conn.request("POST", path, body=json.dumps(PAYLOAD).encode(), headers=headers)
                answer = conn.getresponse()
                json.loads(answer.read())

        runners["http.client (stdlib)"] = stdlib

        try:
            import requests  # type: ignore[import-untyped]

            session = requests.Session()

            def with_requests(n: int) -> None:
                for _ in range(n):
                    session.post(emu.base_url + path, json=PAYLOAD, headers=headers).json()

            runners["requests"] = with_requests
        except ImportError:
            pass

        for run in runners.values():  # warm up: connections, runtime, caches
            run(50)
        results: Dict[str, List[float]] = {name: [] for name in runners}
        for _ in range(ROUNDS):
            for name, run in runners.items():
                results[name].append(per_call(run, CALLS // ROUNDS))

    best = {name: statistics.median(times) for name, times in results.items()}
    base = best["http.client (stdlib)"]
    where = "the emulator process" if isinstance(server, External) else "the in-process emulator"
    print(f"one create against {where}, {CALLS} calls each (median of {ROUNDS} rounds):")
    for name, us in best.items():
        print(f"  {name:<24} {us:7.1f} µs/call  ({base / us:4.2f}× the speed of http.client)")


if __name__ == "__main__":
    main()
