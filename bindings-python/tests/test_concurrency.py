"""The GIL is released and the event loop stays free during network calls."""

from __future__ import annotations

import asyncio
import gc
import threading
import time
import weakref

import dialtime
from conftest import DOCUMENTED


def test_100_concurrent_async_creates_get_distinct_ids(emulator):
    async def run():
        async with dialtime.AsyncClient(emulator.token, base_url=emulator.base_url) as client:
            calls = [
                client.dial_time_groups.create(emulator.user_id, **{**DOCUMENTED, "name": f"组 {i}", "is_default": False})
                for i in range(100)
            ]
            return await asyncio.gather(*calls)

    groups = asyncio.run(run())
    assert len({g.id for g in groups}) == 100
    assert sorted(g.name for g in groups) == sorted(f"组 {i}" for i in range(100))


def test_two_threads_on_one_sync_client_overlap(emulator):
    client = dialtime.Client(emulator.token, base_url=emulator.base_url)
    emulator.push_fault(delay_ms=400, times=2)
    spans = []

    def call():
        start = time.monotonic()
        client.dial_time_groups.create(emulator.user_id, **DOCUMENTED)
        spans.append((start, time.monotonic()))

    threads = [threading.Thread(target=call) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(spans) == 2
    # Each call waited 400 ms at the server; they ran at the same time, not one after the other.
    assert max(s for s, _ in spans) < min(e for _, e in spans)


def test_python_keeps_running_while_a_sync_call_waits(emulator):
    client = dialtime.Client(emulator.token, base_url=emulator.base_url)
    emulator.push_fault(delay_ms=300)
    worker = threading.Thread(target=client.dial_time_groups.create, args=(emulator.user_id,), kwargs=DOCUMENTED)
    worker.start()
    time.sleep(0.05)  # let the call start
    ticks = 0
    while worker.is_alive():
        ticks += 1
        time.sleep(0.001)
    worker.join()
    # With the GIL held during the call this loop could not run until it ended.
    assert ticks >= 20


def test_event_loop_keeps_running_during_an_async_call(emulator):
    emulator.push_fault(delay_ms=300)

    async def run():
        ticks = 0
        done = False

        async def ticker():
            nonlocal ticks
            while not done:
                ticks += 1
                await asyncio.sleep(0.005)

        task = asyncio.ensure_future(ticker())
        async with dialtime.AsyncClient(emulator.token, base_url=emulator.base_url) as client:
            await client.dial_time_groups.create(emulator.user_id, **DOCUMENTED)
        done = True
        await task
        return ticks

    assert asyncio.run(run()) >= 20


def test_cancelling_an_async_call_cancels_it_and_the_client_keeps_working(emulator):
    emulator.push_fault(delay_ms=2000)

    async def run():
        async with dialtime.AsyncClient(emulator.token, base_url=emulator.base_url) as client:
            started = time.monotonic()
            try:
                await asyncio.wait_for(client.dial_time_groups.create(emulator.user_id, **DOCUMENTED), 0.1)
            except asyncio.TimeoutError:
                pass
            else:
                raise AssertionError("the call was not cancelled")
            waited = time.monotonic() - started
            group = await client.dial_time_groups.create(emulator.user_id, **DOCUMENTED)
            return waited, group

    waited, group = asyncio.run(run())
    assert waited < 1.5
    assert group.id >= 1


def test_a_loop_closed_with_a_call_in_flight_is_collected(emulator):
    # The answer arrives after the loop closed: its completion waits in the loop's inbox, and
    # the future there holds the loop, which holds the inbox's bridge. Python's collector
    # did not see the edge through Rust: every such loop leaked (and two descriptors).
    client = dialtime.AsyncClient(emulator.token, base_url=emulator.base_url)
    loops = []
    for _ in range(5):
        emulator.push_fault(delay_ms=50)
        loop = asyncio.new_event_loop()
        loop.create_task(client.dial_time_groups.list(emulator.user_id))
        loop.run_until_complete(asyncio.sleep(0.01))  # the request is written
        loop.close()
        loops.append(weakref.ref(loop))
        del loop
    deadline = time.monotonic() + 5
    while any(ref() is not None for ref in loops) and time.monotonic() < deadline:
        time.sleep(0.1)  # the answers arrive and are posted to the closed loops
        gc.collect()
    assert [ref() for ref in loops] == [None] * 5


# The first running loop drives dialtime's runtime on its own thread (no thread hand-off);
# these are the cases where it cannot, or does not for a while.


def test_two_event_loops_in_two_threads_both_finish(emulator):
    results = {}

    def loop_thread(tag):
        async def run():
            async with dialtime.AsyncClient(emulator.token, base_url=emulator.base_url) as client:
                calls = [
                    client.dial_time_groups.create(emulator.user_id, **{**DOCUMENTED, "name": f"{tag} {i}", "is_default": False})
                    for i in range(30)
                ]
                return await asyncio.gather(*calls)

        results[tag] = asyncio.run(run())

    threads = [threading.Thread(target=loop_thread, args=(tag,)) for tag in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == ["a", "b"]
    assert len({g.id for gs in results.values() for g in gs}) == 60


def test_a_loop_blocked_by_python_code_still_gets_its_answers_and_timeouts(emulator):
    async def run():
        async with dialtime.AsyncClient(emulator.token, base_url=emulator.base_url, max_retries=0, timeout=0.3) as client:
            emulator.push_fault(delay_ms=3000, times=1)
            slow = asyncio.ensure_future(client.dial_time_groups.create(emulator.user_id, **DOCUMENTED))
            await asyncio.sleep(0)  # the request is sent
            fast = asyncio.ensure_future(client.dial_time_groups.list(emulator.user_id))
            await asyncio.sleep(0)
            time.sleep(1.0)  # the loop is blocked: it drives nothing meanwhile
            started = time.monotonic()
            page = await fast
            try:
                await slow
            except dialtime.APITimeoutError:
                timed_out = True
            else:
                timed_out = False
            return page, timed_out, time.monotonic() - started

    page, timed_out, waited = asyncio.run(run())
    assert isinstance(page.data, list)
    # The timer fired while the loop was blocked: both were settled as soon as it ran again.
    assert timed_out
    assert waited < 0.5


def test_a_sync_call_inside_a_coroutine_with_async_calls_in_flight_finishes(emulator):
    sync = dialtime.Client(emulator.token, base_url=emulator.base_url)

    async def run():
        async with dialtime.AsyncClient(emulator.token, base_url=emulator.base_url) as client:
            emulator.push_fault(delay_ms=100, times=1)
            pending = asyncio.ensure_future(client.dial_time_groups.create(emulator.user_id, **DOCUMENTED))
            await asyncio.sleep(0)
            # Blocks the loop's own thread while its call is in flight.
            made = sync.dial_time_groups.create(emulator.user_id, **{**DOCUMENTED, "name": "同步", "is_default": False})
            return made, await pending

    made, pending = asyncio.run(run())
    assert made.name == "同步"
    assert pending.id != made.id

