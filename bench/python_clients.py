"""One Python client for `bench/run.py`: `python python_clients.py CLIENT MODE`.

CLIENT is dialtime-sync, dialtime-async, requests, httpx, aiohttp, http.client or
asyncio-floor (no HTTP: what asyncio itself costs per awaited answer); MODE is seq
(one call at a time) or conc (BENCH_CONC in flight; async clients only). Every client does the
same work per call: build the payload, serialize it, POST it over a kept-alive connection,
check the answer, parse the JSON and read the new group's id. Prints
`RESULT <client> <mode> <µs per call>`.
"""

import asyncio
import http.client
import json
import os
import sys
import time
import urllib.parse

BASE = os.environ["BENCH_URL"]
TOKEN = os.environ["BENCH_TOKEN"]
USER = os.environ["BENCH_USER"]
N = int(os.environ.get("BENCH_N", "5000"))
CONC = int(os.environ.get("BENCH_CONC", "64"))
WARMUP = min(500, max(N // 10, 1))
URL = f"{BASE}/agent-api/user/{USER}/dial-time-group"
HEADERS = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json", "Accept": "application/json"}


def payload():
    return {
        "name": "周一周三拨打",
        "content": [
            {"week": 1, "times": [{"begin_time": "08:00", "end_time": "20:00"}, {"begin_time": "20:30", "end_time": "22:00"}]},
            {"week": 3, "times": [{"begin_time": "08:00", "end_time": "12:00"}, {"begin_time": "20:30", "end_time": "22:00"}]},
        ],
        "is_default": False,
        "skip_holiday": True,
    }


def checked(answer):
    if answer["code"] != 200 or answer["data"]["id"] <= 0:
        raise SystemExit(f"unexpected answer: {answer}")


def timed_sync(call):
    for _ in range(WARMUP):
        call()
    start = time.perf_counter()
    for _ in range(N):
        call()
    return time.perf_counter() - start


async def timed_async(call, conc):
    for _ in range(WARMUP):
        await call()
    left = N

    async def worker():
        nonlocal left
        while left > 0:
            left -= 1
            await call()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(conc)))
    return time.perf_counter() - start


def main():
    client, mode = sys.argv[1], sys.argv[2]
    conc = CONC if mode == "conc" else 1
    if client == "dialtime-sync":
        import dialtime

        groups = dialtime.Client(TOKEN, base_url=BASE, max_retries=0).dial_time_groups

        def call():
            if groups.create(USER, **payload()).id <= 0:
                raise SystemExit("bad id")

        seconds = timed_sync(call)
    elif client == "dialtime-async":
        import dialtime

        async def run():
            groups = dialtime.AsyncClient(TOKEN, base_url=BASE, max_retries=0).dial_time_groups

            async def call():
                if (await groups.create(USER, **payload())).id <= 0:
                    raise SystemExit("bad id")

            return await timed_async(call, conc)

        seconds = asyncio.run(run())
    elif client == "requests":
        import requests

        session = requests.Session()

        def call():
            r = session.post(URL, json=payload(), headers=HEADERS)
            r.raise_for_status()
            checked(r.json())

        seconds = timed_sync(call)
    elif client == "httpx" and mode == "seq":
        import httpx

        session = httpx.Client()

        def call():
            r = session.post(URL, json=payload(), headers=HEADERS)
            r.raise_for_status()
            checked(r.json())

        seconds = timed_sync(call)
    elif client == "httpx":
        import httpx

        async def run():
            async with httpx.AsyncClient(limits=httpx.Limits(max_connections=conc)) as session:

                async def call():
                    r = await session.post(URL, json=payload(), headers=HEADERS)
                    r.raise_for_status()
                    checked(r.json())

                return await timed_async(call, conc)

        seconds = asyncio.run(run())
    elif client == "aiohttp":
        import aiohttp

        async def run():
            connector = aiohttp.TCPConnector(limit=conc)
            async with aiohttp.ClientSession(connector=connector) as session:

                async def call():
                    async with session.post(URL, json=payload(), headers=HEADERS) as r:
                        r.raise_for_status()
                        checked(await r.json())

                return await timed_async(call, conc)

        seconds = asyncio.run(run())
    elif client == "http.client":
        url = urllib.parse.urlsplit(BASE)
        conn = http.client.HTTPConnection(url.hostname, url.port)
        path = urllib.parse.urlsplit(URL).path

        def call():
            conn.request("POST", path, body=json.dumps(payload()).encode(), headers=HEADERS)
            answer = conn.getresponse()
            if answer.status != 200:
                raise SystemExit(f"HTTP {answer.status}")
            checked(json.loads(answer.read()))

        seconds = timed_sync(call)
    elif client == "asyncio-floor":
        # No HTTP and no payload: a future resolved from a reader callback (a byte on a socket
        # pair), the mechanism any asyncio client's answer goes through. What an asyncio
        # client costs per sequential call beyond a blocking one is at least this.
        import socket

        async def run():
            loop = asyncio.get_running_loop()
            r, w = socket.socketpair()
            r.setblocking(False)
            waiting = []

            def readable():
                r.recv(4096)
                for future in waiting:
                    future.set_result(None)
                waiting.clear()

            loop.add_reader(r.fileno(), readable)

            async def call():
                future = loop.create_future()
                waiting.append(future)
                w.send(b"x")
                await future

            return await timed_async(call, conc)

        seconds = asyncio.run(run())
    else:
        raise SystemExit(f"unknown client {client!r}")
    print(f"RESULT {client} {mode} {seconds / N * 1e6:.2f}")


if __name__ == "__main__":
    main()
