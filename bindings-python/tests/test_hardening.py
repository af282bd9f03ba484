"""No input, server answer or process event may crash, hang or leak: every reproduction of
the hardening issue, as a test that failed before its fix."""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import multiprocessing
import os
import subprocess
import sys
import textwrap
import time

import pytest

import dialtime
from dialtime import _native
from dialtime.testing import Emulator
from conftest import DOCUMENTED

# A fresh interpreter that makes many asyncio calls and then simply ends: the exit used to
# abort (SIGABRT, status 134) when a runtime thread touched Python during finalization.
EXIT_SCRIPT = textwrap.dedent(
    """
    import asyncio, os, dialtime

    URL, TOKEN, USER = os.environ["EMU_URL"], os.environ["EMU_TOKEN"], os.environ["EMU_USER"]
    GROUP = {"name": "x", "content": [{"week": 1, "times": [{"begin_time": "08:00", "end_time": "20:00"}]}],
             "is_default": False, "skip_holiday": False}

    async def concurrent():
        client = dialtime.AsyncClient(TOKEN, base_url=URL)
        await asyncio.gather(*(client.dial_time_groups.create(USER, **GROUP) for _ in range(200)))

    async def sequential():
        async with dialtime.AsyncClient(TOKEN, base_url=URL) as client:
            for _ in range(50):
                await client.dial_time_groups.create(USER, **GROUP)

    asyncio.run(concurrent() if os.environ["MODE"] == "concurrent" else sequential())
    """
)


def one_cpu() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


@pytest.mark.parametrize("mode", ["concurrent", "sequential"])
def test_an_asyncio_program_exits_cleanly_every_time(emulator, mode):
    env = {**os.environ, "EMU_URL": emulator.base_url, "EMU_TOKEN": emulator.token,
           "EMU_USER": emulator.user_id, "MODE": mode}
    runs = 15
    for i in range(runs):
        done = subprocess.run([sys.executable, "-c", EXIT_SCRIPT], env=env, preexec_fn=one_cpu,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, f"run {i}: exit {done.returncode}\n{done.stderr[-2000:]}"


def test_an_absurd_retry_after_is_a_rate_limit_error_not_a_panic(api):
    for value in ["1e20", "1e400", "-1", "NaN", "18446744073709551616"]:
        api.emu.push_fault(status=429, retry_after=value, times=5)
        with pytest.raises(dialtime.RateLimitError) as caught:
            api.create(max_retries=1)
        assert isinstance(caught.value, Exception)
        api.emu.clear_faults()


def test_cyclic_and_deep_structures_are_value_errors():
    cyclic: list = []
    cyclic.append(cyclic)
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    d: dict = {}
    d["x"] = d
    for content in (cyclic, deep, [d]):
        payload = {"name": "x", "content": content, "is_default": True, "skip_holiday": False}
        with pytest.raises(ValueError) as caught:
            dialtime.validate(payload)
        assert isinstance(caught.value, dialtime.ValidationError)
        assert "deeper than" in str(caught.value)


def test_deep_structures_are_refused_by_create_too(api):
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(dialtime.ValidationError):
        api.create(content=deep)
    assert api.emu.request_count == 0


def test_hostile_values_get_clear_errors_quickly(api):
    hostile = [
        {"name": "x" * (10 << 20)},
        {"name": "\ud800"},
        {"name": "a\x00b", "content": [{"week": float("nan"), "times": []}]},
        {"content": [{"week": float("inf"), "times": [{"begin_time": -0.0, "end_time": 2**63}]}]},
        {"content": [{"week": 2**64, "times": [{"begin_time": b"08:00", "end_time": object()}]}]},
        {"is_default": "yes", "skip_holiday": None, "sub_user_id": 5},
        {"content": [{"week": 1, "times": [{"begin_time": "10:00", "end_time": "09:00"}] * 1_000_000}]},
    ]
    for payload in hostile:
        with pytest.raises(dialtime.ValidationError) as caught:
            api.create(**payload)
        assert len(caught.value.problems) <= 101
        assert len(str(caught.value)) < 40_000
    assert api.emu.request_count == 0


def test_thousands_of_problems_are_capped_with_a_summary():
    payload = {**DOCUMENTED, "content": [{"week": 1, "times": [{"begin_time": "10:00", "end_time": "09:00"}] * 9_000}]}
    with pytest.raises(dialtime.ValidationError) as caught:
        dialtime.validate(payload)
    errors = caught.value.problems
    assert len(errors) == 101
    assert errors[-1][0] == "$" and "8900 more" in errors[-1][1]


def test_a_million_days_are_refused_before_they_are_converted():
    """A valid payload has at most 7 days: a million took 14 s (Node) with the caller blocked."""
    payload = {**DOCUMENTED, "content": [{"week": 1, "times": []}] * 1_000_000}
    with pytest.raises(dialtime.ValidationError) as caught:
        dialtime.validate(payload)
    assert [tuple(p) for p in caught.value.problems] == [("content", "has more than 10000 items")]


def test_one_object_repeated_through_a_payload_stops_at_100000_values():
    """`[day] * 200` of a day of 10,000 windows is a few KB of lists and two million values to
    convert; `{"a": x, "b": x}` nested 23 times eight million. Every list is within 10,000."""
    window = {"begin_time": "08:00", "end_time": "09:00"}
    day = {"week": 1, "times": [window] * 10_000}
    chain: object = window
    for _ in range(23):
        chain = {"a": chain, "b": chain}
    model_day = dialtime.DaySchedule(1, [dialtime.TimeRange("08:00", "09:00")] * 10_000)
    message = "takes the payload past 100000 values (is one object repeated in it?)"
    for payload, prefix in (
        ({**DOCUMENTED, "content": [day] * 200}, "content["),
        ({**DOCUMENTED, "content": [chain]}, "content[0].a."),
        ({**DOCUMENTED, "content": [model_day] * 200}, "content["),
    ):
        with pytest.raises(dialtime.ValidationError) as caught:
            dialtime.validate(payload)
        problems = [tuple(p) for p in caught.value.problems]
        assert len(problems) == 1 and problems[0][1] == message, problems
        assert problems[0][0].startswith(prefix), problems
    with pytest.raises(dialtime.ValidationError, match="past 100000 values"):
        dialtime.Schedule([day] * 200, True)
    # A payload of a real size (seven days of 1,440 one-minute windows) is converted whole and
    # judged by the core's rules.
    at = lambda n: f"{n // 60:02}:{n % 60:02}"  # noqa: E731
    minutes = [{"begin_time": at(m), "end_time": "24:00" if m == 1439 else at(m + 1)} for m in range(1440)]
    try:
        dialtime.validate({**DOCUMENTED, "content": [{"week": w, "times": minutes} for w in range(7)]})
    except dialtime.ValidationError as e:
        assert not any("past 100000 values" in p[1] for p in e.problems), e.problems[:3]


def test_one_string_repeated_through_a_payload_stops_at_4_mib_of_text():
    """`[text] * 9000` of a 50 KB str is 72 KB of list and was 450 MB to convert (keys count
    too, named by their dict's path); within 100,000 values."""
    text = "x" * 50_000
    message = "takes the payload past 4 MiB of text"
    strings = {**DOCUMENTED, "remark": [text] * 9000}
    keys = {**DOCUMENTED, "content": [{text: 1}] * 9000}
    for payload, path in ((strings, "remark[83]"), (keys, "content[83]")):
        with pytest.raises(dialtime.ValidationError) as caught:
            dialtime.validate(payload)
        assert [tuple(p) for p in caught.value.problems] == [(path, message)]
    with pytest.raises(dialtime.ValidationError, match="MiB of text"):
        dialtime.Schedule(keys["content"], True)
    # One long string is judged by the rules: a 1 MB name is too long, not too much text.
    with pytest.raises(dialtime.ValidationError) as caught:
        dialtime.validate({**DOCUMENTED, "name": "n" * (1 << 20)})
    assert [p[0] for p in caught.value.problems] == ["name"]
    assert "MiB of text" not in caught.value.problems[0][1]


def test_a_long_echoed_token_never_shows(emulator):
    token = ("Ab/9" * 400)[:1500]
    escaped = token.replace("/", "\\/")
    for body in (f'{{"message":"bad {token}"}}', f'{{"message":"bad {escaped}"}}', f"plain {token}"):
        emulator.push_fault(status=401, body=body)
        client = dialtime.Client(token, base_url=emulator.base_url, max_retries=0)
        with pytest.raises(dialtime.AuthenticationError) as caught:
            client.dial_time_groups.create(emulator.user_id, **DOCUMENTED)
        e = caught.value
        shown = " ".join([str(e), repr(e), e.body_excerpt, e.api_message or "", repr(client), repr(e.__dict__)])
        for secret in (token, escaped):
            assert secret[:40] not in shown


def test_the_panic_boundary_raises_a_dialtime_error():
    with pytest.raises(dialtime.DialtimeError) as caught:
        _native._panic_for_tests("sync")
    assert type(caught.value) is dialtime.DialtimeError
    assert "internal error" in str(caught.value)

    async def run() -> None:
        await _native._panic_for_tests("async")

    with pytest.raises(dialtime.DialtimeError):
        asyncio.run(run())


def _create_in_child(url: str, token: str, user: str, client: dialtime.Client | None) -> int:
    c = client if client is not None else dialtime.Client(token, base_url=url)
    return c.dial_time_groups.create(user, **{**DOCUMENTED, "is_default": False}).id


_CLIENT: dialtime.Client | None = None


def _create_with_inherited_client(user: str) -> int:
    assert _CLIENT is not None
    return _CLIENT.dial_time_groups.create(user, **{**DOCUMENTED, "is_default": False}).id


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX only")
def test_a_forked_child_calls_and_returns(emulator):
    global _CLIENT
    _CLIENT = dialtime.Client(emulator.token, base_url=emulator.base_url)
    _CLIENT.dial_time_groups.create(emulator.user_id, **DOCUMENTED)  # runtime and pool warm
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(2) as pool:
        ids = pool.map(_create_with_inherited_client, [emulator.user_id] * 4, chunksize=1)
    assert len(set(ids)) == 4
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=ctx) as executor:
        futures = [executor.submit(_create_in_child, emulator.base_url, emulator.token, emulator.user_id, None)
                   for _ in range(3)]
        more = [f.result(timeout=30) for f in futures]
    assert len(set(ids) | set(more)) == 7
    # The parent's client still works after its children used their copies.
    assert _CLIENT.dial_time_groups.list(emulator.user_id).total == 8

    async def in_parent() -> None:
        async with dialtime.AsyncClient(emulator.token, base_url=emulator.base_url) as client:
            await client.dial_time_groups.create(emulator.user_id, **{**DOCUMENTED, "is_default": False})

    asyncio.run(in_parent())

    def child_async() -> None:
        asyncio.run(in_parent())

    p = ctx.Process(target=child_async)
    p.start()
    p.join(30)
    assert p.exitcode == 0
    _CLIENT = None


_EMULATOR: Emulator | None = None


def _use_inherited_emulator() -> str:
    """In a forked child: what each emulator method does with the parent's emulator."""
    emu = _EMULATOR
    assert emu is not None
    seen = []
    for name, call in [
        ("requests", lambda: emu.requests),
        ("last_request", lambda: emu.last_request),
        ("push_fault", lambda: emu.push_fault(status=503)),
        ("pending_faults", lambda: emu.pending_faults),
        ("clear_requests", emu.clear_requests),
    ]:
        try:
            call()
            seen.append(f"{name}: ran")
        except dialtime.ConfigError as e:
            seen.append(f"{name}: {'refused' if 'parent process' in str(e) else e}")
    # What needs no lock still answers; a client reaches the parent's server.
    client = dialtime.Client(emu.token, base_url=emu.base_url)
    seen.append(f"list: {client.dial_time_groups.list(emu.user_id).total}")
    return "; ".join(seen)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX only")
def test_a_forked_child_is_refused_the_parents_emulator_state(emulator):
    # Its faults and request log are the parent's server's, behind locks a thread of the
    # parent may hold at the fork: a child reading or changing them hung (8 of 60 forks, in
    # C); it gets a ConfigError at once instead.
    global _EMULATOR
    _EMULATOR = emulator
    dialtime.Client(emulator.token, base_url=emulator.base_url).dial_time_groups.list(emulator.user_id)
    ctx = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=ctx) as executor:
        seen = executor.submit(_use_inherited_emulator).result(timeout=30)
    _EMULATOR = None
    assert seen == (
        "requests: refused; last_request: refused; push_fault: refused; "
        "pending_faults: refused; clear_requests: refused; list: 0"
    ), seen
    # The parent's emulator saw the child's call and queued nothing for it.
    assert emulator.pending_faults == 0
    last = emulator.last_request
    assert last is not None and last.method == "GET", last


def test_page_numbers_are_checked_not_wrapped(api):
    client = dialtime.Client(api.emu.token, base_url=api.emu.base_url)
    for page in (0, -1, 2**32, 2**40):
        with pytest.raises(dialtime.ValidationError) as caught:
            client.dial_time_groups.list(api.emu.user_id, page=page)
        assert caught.value.problems[0][0] == "page"


# Calls on a closed object from two threads while a third closes it again: the error for the
# closed object was made (Python code, which hands the GIL on) with the object's lock held,
# and the closing thread waited for that lock with the GIL released: the three threads waited
# on each other forever (5 runs out of 5 for the client).
RACE_SCRIPT = textwrap.dedent(
    """
    import sys, threading, dialtime
    from dialtime.testing import Emulator

    if sys.argv[1] == "client":
        target = dialtime.Client("token", base_url="http://127.0.0.1:9")
        use = lambda: target.dial_time_groups.list("5832d184-dd53-42a0-8ace-0bf8d660f4cc")
        close = target.close
    else:
        target = Emulator()
        use, close = target.request_count, target.stop
    close()

    def using():
        for _ in range(20000):
            try:
                use()
            except dialtime.ConfigError:
                pass

    def closing():
        for _ in range(20000):
            close()

    threads = [threading.Thread(target=using) for _ in range(2)] + [threading.Thread(target=closing)]
    for t in threads: t.start()
    for t in threads: t.join()
    print("finished")
    """
)


@pytest.mark.parametrize("target", ["client", "emulator"])
def test_calls_racing_close_from_threads_finish(target):
    done = subprocess.run([sys.executable, "-c", RACE_SCRIPT, target], capture_output=True,
                          text=True, timeout=120)
    assert (done.returncode, done.stdout.strip()) == (0, "finished"), done.stderr[-2000:]


# A daemon thread whose blocking call returns while the interpreter finalizes: CPython (before
# 3.14) ends a thread taking the GIL back then with pthread_exit, and its unwinding through
# the binding's frames crashed the process (SIGSEGV, 6 runs out of 6).
DAEMON_AT_EXIT_SCRIPT = textwrap.dedent(
    """
    import os, threading, time, dialtime
    from dialtime.testing import Emulator

    emu = Emulator()
    client = dialtime.Client(emu.token, base_url=emu.base_url)
    emu.push_fault(delay_ms=300)
    threading.Thread(target=client.dial_time_groups.list, args=(emu.user_id,), daemon=True).start()
    time.sleep(0.05)

    class SlowTeardown:
        # Sleeps while the module is torn down, so the call returns during finalization.
        def __del__(self, _sleep=time.sleep):
            _sleep(1)

    keep = SlowTeardown()
    """
)

# The same with a thread calling in a loop against a server in another process, the main
# thread simply returning (SIGSEGV in about 60 % of the runs).
DAEMON_LOOP_SCRIPT = textwrap.dedent(
    """
    import os, threading, time, dialtime

    client = dialtime.Client(os.environ["EMU_TOKEN"], base_url=os.environ["EMU_URL"])

    def loop():
        while True:
            client.dial_time_groups.list(os.environ["EMU_USER"])

    threading.Thread(target=loop, daemon=True).start()
    time.sleep(0.3)
    """
)


# Python code run from the binding's frames hands the GIL over too: `logging`'s handlers (each
# call's records), and for asyncio `set_result`/`call_soon` and the loop's methods. Eight daemon
# threads calling with logging on: SIGSEGV in 3 runs of 15 (blocking calls) and 15 of 15
# (asyncio loops, four calls in flight each).
DAEMON_LOGGING_SCRIPT = textwrap.dedent(
    """
    import asyncio, logging, os, sys, threading, time
    logging.basicConfig(level=logging.DEBUG, stream=open(os.devnull, "w"))
    import dialtime

    url, token, user = os.environ["EMU_URL"], os.environ["EMU_TOKEN"], os.environ["EMU_USER"]

    def blocking():
        client = dialtime.Client(token, base_url=url)
        while True:
            client.dial_time_groups.list(user)

    def looping():
        async def calls():
            client = dialtime.AsyncClient(token, base_url=url)
            while True:
                await asyncio.gather(*[client.dial_time_groups.list(user) for _ in range(4)])
        asyncio.run(calls())

    class Calling(logging.Handler):
        # A handler that calls dialtime itself (once per record, not for its own records);
        # one for every thread (eight, each calling under its own lock, deadlock as any
        # handlers logging through each other would).
        busy = threading.local()

        def emit(self, record):
            if not getattr(self.busy, "on", False):
                self.busy.on = True
                try:
                    dialtime.Client(token, base_url=url).dial_time_groups.list(user)
                finally:
                    self.busy.on = False

    calling = Calling()

    def nested():
        logging.getLogger("dialtime").addHandler(calling)
        blocking()

    for _ in range(8):
        threading.Thread(target=globals()[sys.argv[1]], daemon=True).start()
    time.sleep(0.3)
    """
)


def test_a_daemon_thread_inside_a_call_at_exit_does_not_crash_it(emulator):
    env = {**os.environ, "EMU_URL": emulator.base_url, "EMU_TOKEN": emulator.token,
           "EMU_USER": emulator.user_id}
    for script, runs in ((DAEMON_AT_EXIT_SCRIPT, 3), (DAEMON_LOOP_SCRIPT, 8)):
        for i in range(runs):
            done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                                  text=True, timeout=60)
            assert done.returncode == 0, f"run {i}: exit {done.returncode}\n{done.stderr[-2000:]}"
    for kind, runs in (("looping", 6), ("blocking", 10), ("nested", 3)):
        for i in range(runs):
            started = time.monotonic()
            done = subprocess.run([sys.executable, "-c", DAEMON_LOGGING_SCRIPT, kind], env=env,
                                  capture_output=True, text=True, timeout=60)
            took = time.monotonic() - started
            assert done.returncode == 0, f"{kind} run {i}: exit {done.returncode}\n{done.stderr[-2000:]}"
            # The exit waits for a thread inside at most 5 s: one counted inside and never
            # leaving (a section's count out of balance) shows as that wait.
            assert took < 4.5, f"{kind} run {i}: {took:.1f} s"


class LyingList(list):  # type: ignore[type-arg]
    """Empty, but claims 2**40 items: pyo3 reserved that many slots up front and aborted."""

    def __len__(self) -> int:
        return 2**40


def test_a_sequence_lying_about_its_length_is_read_by_its_items():
    with pytest.raises(dialtime.ValidationError) as caught:
        dialtime.validate({"name": "x", "content": LyingList(), "is_default": True,
                           "skip_holiday": False})
    assert caught.value.problems[0][0] == "content"
    assert dialtime.DaySchedule(1, LyingList()).times == []
    assert "never dials" in repr(dialtime.Schedule(LyingList(), False))
    # No certificate added (an empty list), and no 2**40 slots reserved.
    dialtime.Client("t", base_url="http://127.0.0.1:9", root_certificates=LyingList()).close()
    from dialtime.testing import Emulator
    with Emulator(sub_users=LyingList()) as emu:
        assert emu.sub_users == []


class InterruptedList(list):  # type: ignore[type-arg]
    """Ctrl-C pressed while the payload's own code runs (a generator, a lazy sequence)."""

    def __iter__(self):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt


class InterruptedLength(list):  # type: ignore[type-arg]
    def __len__(self) -> int:
        raise KeyboardInterrupt


class FailingList(list):  # type: ignore[type-arg]
    def __iter__(self):  # type: ignore[no-untyped-def]
        raise RuntimeError("the payload's own bug")


class InterruptedBigInt(int):
    def __float__(self) -> float:
        raise KeyboardInterrupt


class ExitingTime(dt.time):
    @property
    def hour(self) -> int:  # type: ignore[override]
        raise SystemExit(3)


def test_ctrl_c_while_a_payload_is_read_is_raised_not_a_validation_error():
    """KeyboardInterrupt raised by a payload's __iter__ or __len__ (or SystemExit by a time's
    property) became a ValidationError: the program went on as if the data were wrong."""
    group = {"name": "x", "is_default": True, "skip_holiday": False}
    for content in (InterruptedList(), InterruptedLength([1]), [{"week": 1, "times": InterruptedList()}]):
        with pytest.raises(KeyboardInterrupt):
            dialtime.validate({**group, "content": content})
        with pytest.raises(KeyboardInterrupt):
            dialtime.Schedule(content, False)
        with dialtime.Client("t", base_url="http://127.0.0.1:9") as client:
            with pytest.raises(KeyboardInterrupt):
                client.dial_time_groups.create("u", content=content, **group)  # type: ignore[arg-type]
            with pytest.raises(KeyboardInterrupt):
                client.dial_time_groups.update("u", 1, name="x", content=content)  # type: ignore[arg-type]

        async def start_async_call() -> None:
            client = dialtime.AsyncClient("t", base_url="http://127.0.0.1:9")
            try:
                with pytest.raises(KeyboardInterrupt):
                    await client.dial_time_groups.create("u", content=content, **group)  # type: ignore[arg-type]
            finally:
                await client.close()

        asyncio.run(start_async_call())
    with pytest.raises(SystemExit):
        dialtime.TimeRange(ExitingTime(9, 0), "10:00")
    with pytest.raises(SystemExit):
        dialtime.validate({**group, "content": [{"week": 1, "times": [
            {"begin_time": ExitingTime(9, 0), "end_time": "10:00"}]}]})
    with pytest.raises(KeyboardInterrupt):
        dialtime.DaySchedule(1, InterruptedLength())
    with pytest.raises(KeyboardInterrupt):
        dialtime.validate({**group, "content": [], "sub_user_id": InterruptedBigInt(2**70)})
    # An ordinary exception of the payload's code stays a ValidationError naming the field.
    with pytest.raises(dialtime.ValidationError) as caught:
        dialtime.validate({**group, "content": FailingList()})
    assert caught.value.problems[0][0] == "content"


def test_a_dict_growing_while_it_is_read_is_not_a_panic():
    payload: dict[str, object] = {"name": "x", "is_default": True, "skip_holiday": False}

    class Times(list):  # type: ignore[type-arg]
        def __iter__(self):  # type: ignore[no-untyped-def]
            payload["extra"] = 1
            return super().__iter__()

    payload["content"] = [{"week": 1, "times": Times()}]
    payload["zzz"] = 0
    with pytest.raises(dialtime.ValidationError):
        dialtime.validate(payload)


def test_an_emulator_pad_beyond_its_limit_is_refused():
    from dialtime.testing import Emulator
    with Emulator() as emu:
        with pytest.raises(TypeError, match="pad_to_bytes"):
            emu.push_fault(pad_to_bytes=2**50)


SUB_CODE = """
try:
    import dialtime
    print("sub: imported")
except ImportError as e:
    print("sub: ImportError:", e)
"""

SUBINTERPRETER_SCRIPT = textwrap.dedent(
    """
    import sys
    import _xxsubinterpreters as interpreters
    # 3.12 makes isolated interpreters by default, which CPython itself refuses the module in;
    # a legacy one (mod_wsgi's kind) is what reached dialtime's own check.
    sub = interpreters.create(isolated=False) if sys.version_info >= (3, 12) else interpreters.create()
    if sys.argv[1] == "main":
        import dialtime
    interpreters.run_string(sub, sys.argv[2])
    interpreters.destroy(sub)
    try:
        import dialtime
        try:
            dialtime.validate({"name": 1})
        except dialtime.ValidationError:
            print("main: works")
    except ImportError as e:
        print("main: ImportError:", e)
    """
)


@pytest.mark.parametrize("first", ["sub", "main"])
def test_a_subinterpreter_cannot_import_it(first):
    try:
        import _xxsubinterpreters  # noqa: F401
    except ImportError:
        pytest.skip("no _xxsubinterpreters in this Python (3.13 renamed it)")
    done = subprocess.run([sys.executable, "-c", SUBINTERPRETER_SCRIPT, first, SUB_CODE],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines[0].startswith("sub: ImportError:"), done.stdout
    if first == "sub":
        assert "main interpreter" in lines[0]
    # The main interpreter's import works either way, with its own objects (after a
    # subinterpreter imported first, it used that interpreter's objects once it was gone).
    assert lines[1] == "main: works", done.stdout


# Ctrl-C during a blocking call: the KeyboardInterrupt waited for the call's end (its
# timeouts and retries; here a 10 s answer), since nothing ran Python's signal handlers while
# the GIL was released.
CTRL_C_SCRIPT = textwrap.dedent(
    """
    import os, signal, threading, time, dialtime
    from dialtime.testing import Emulator

    emu = Emulator()
    client = dialtime.Client(emu.token, base_url=emu.base_url, timeout=30)
    emu.push_fault(delay_ms=10000)
    threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT)).start()
    started = time.monotonic()
    try:
        client.dial_time_groups.list(emu.user_id)
        print("returned")
    except KeyboardInterrupt:
        print("interrupted", "early" if time.monotonic() - started < 5 else "late")
    emu.clear_faults()
    print("then", client.dial_time_groups.list(emu.user_id).total)

    # The same while list_all fetches a page: the walk is over, and says so.
    walk = client.dial_time_groups.list_all(emu.user_id)
    emu.push_fault(delay_ms=10000)
    threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT)).start()
    try:
        next(walk)
    except KeyboardInterrupt:
        print("walk interrupted")
    try:
        next(walk)
    except dialtime.ConfigError as e:
        print("walk over:", "interrupted" in str(e))
    """
)


def test_ctrl_c_interrupts_a_blocking_call():
    done = subprocess.run([sys.executable, "-c", CTRL_C_SCRIPT], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split("\n")[:4] == ["interrupted early", "then 0", "walk interrupted",
                                            "walk over: True"], done.stdout


def test_a_signal_handler_may_call_dialtime_while_a_call_waits():
    # The handler runs inside the waiting call's interrupt check; its own call failed with
    # "cannot be used inside an async runtime" (and a handler that did not catch it ended
    # the outer call with that error).
    script = textwrap.dedent(
        """
        import os, signal, threading, dialtime
        from dialtime.testing import Emulator

        emu = Emulator()
        client = dialtime.Client(emu.token, base_url=emu.base_url, timeout=30)
        seen = []
        signal.signal(signal.SIGUSR1,
                      lambda *_: seen.append(client.dial_time_groups.list(emu.user_id).total))
        emu.push_fault(delay_ms=1500)
        threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGUSR1)).start()
        print("outer", client.dial_time_groups.list(emu.user_id).total)
        print("handler", seen)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split("\n")[:2] == ["outer 0", "handler [0]"], done.stdout


def test_a_signal_handler_may_wait_for_other_dialtime_work_while_a_call_waits():
    # The handler runs while the main thread's call pauses; that call held the runtime's
    # turn, so an asyncio call in the handler and another thread's call waited for good.
    script = textwrap.dedent(
        """
        import asyncio, signal, threading, dialtime
        from dialtime.testing import Emulator

        emu = Emulator()
        client = dialtime.Client(emu.token, base_url=emu.base_url, timeout=30)
        seen = []

        async def in_handler():
            async with dialtime.AsyncClient(emu.token, base_url=emu.base_url) as ac:
                return (await ac.dial_time_groups.list(emu.user_id)).total

        def handler(*_):
            seen.append(asyncio.run(in_handler()))
            worker = threading.Thread(target=lambda: seen.append(client.dial_time_groups.list(emu.user_id).total))
            worker.start()
            worker.join(20)
            seen.append(worker.is_alive())

        signal.signal(signal.SIGUSR1, handler)
        emu.push_fault(delay_ms=1500)
        threading.Timer(0.3, signal.raise_signal, (signal.SIGUSR1,)).start()
        print("outer", client.dial_time_groups.list(emu.user_id).total)
        print("handler", seen)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split("\n")[:2] == ["outer 0", "handler [0, 0, False]"], done.stdout


def test_daemon_threads_raising_dialtime_errors_at_exit_do_not_abort():
    # The exceptions were made by running Python code (__init__) from a native frame: a
    # daemon thread doing so as the interpreter exited was ended there by CPython (up to
    # 3.13), and the process aborted ("FATAL: exception not rethrown", 11 runs in 30).
    script = textwrap.dedent(
        """
        import threading, time, dialtime

        def spin():
            while True:
                try:
                    dialtime.validate({})
                except dialtime.ValidationError:
                    pass

        for _ in range(4):
            threading.Thread(target=spin, daemon=True).start()
        time.sleep(0.05)
        """
    )
    for _ in range(12):
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              timeout=60)
        assert done.returncode == 0, done.stderr[-2000:]


@pytest.mark.parametrize("work", ["week", "instant", "payload"])
def test_daemon_threads_running_python_code_under_dialtime_at_exit_do_not_crash(work):
    # Python code run under a native frame (the Weekday enum called for every `week` read, a
    # Python tzinfo's utcoffset(), a payload's own __iter__): a daemon thread running it as
    # the interpreter exited crashed the process (SIGSEGV, 8 to 11 runs in 30 each).
    script = textwrap.dedent(
        """
        import collections, datetime, sys, threading, time, dialtime

        day = dialtime.DaySchedule(week=3, times=[dialtime.TimeRange("08:00", "09:00")])
        schedule = dialtime.Schedule([day], False)

        class Plus8(datetime.tzinfo):
            def utcoffset(self, dt):
                return datetime.timedelta(hours=8)

        when = datetime.datetime(2026, 12, 2, 8, 30, tzinfo=Plus8())
        payload = {"name": "x", "content": collections.UserList([{"week": 1, "times": []}]),
                   "is_default": False, "skip_holiday": False}

        def week():
            assert day.week == dialtime.Weekday.WEDNESDAY

        def instant():
            assert schedule.is_open_at(when)

        def payload_():
            try:
                dialtime.validate(payload)
            except dialtime.ValidationError:
                pass

        work = {"week": week, "instant": instant, "payload": payload_}[sys.argv[1]]

        def spin():
            while True:
                work()

        for _ in range(4):
            threading.Thread(target=spin, daemon=True).start()
        time.sleep(0.05)
        """
    )
    for _ in range(20):
        done = subprocess.run([sys.executable, "-c", script, work], capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 0, (done.returncode, done.stderr[-2000:])


def test_pickle_hooks_read_sequences_without_trusting_their_length():
    # pyo3's Vec reserved what __len__ claimed: 2**40 items aborted the process.
    script = textwrap.dedent(
        """
        import dialtime

        class Liar(list):
            def __len__(self):
                return 2**40

        for call in (
            lambda: dialtime.ResponseInfo._restore("GET", "/x", 200, None, Liar([("a", "b")]), 1, 5),
            lambda: dialtime.Calendar._from_holiday_cn(Liar()),
        ):
            try:
                call()
            except Exception as e:
                print(type(e).__name__)
            else:
                print("ok")
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    assert len(done.stdout.split()) == 2, done.stdout


def test_an_atexit_hook_joining_a_calling_thread_ends():
    # Registered before dialtime's import, the hook runs after dialtime's own: the worker's
    # call returned into a closed door and parked for good, and the join never ended.
    script = textwrap.dedent(
        """
        import atexit, threading, time
        stop = threading.Event()
        worker = None

        def join_worker():
            stop.set()
            worker.join()
            print("joined")

        atexit.register(join_worker)
        import dialtime
        from dialtime.testing import Emulator

        emu = Emulator()
        client = dialtime.Client(emu.token, base_url=emu.base_url)

        def loop():
            while not stop.is_set():
                client.dial_time_groups.list(emu.user_id)

        worker = threading.Thread(target=loop, daemon=True)
        worker.start()
        time.sleep(0.3)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    assert (done.returncode, done.stdout.strip()) == (0, "joined"), done.stderr[-2000:]


def test_a_thread_an_atexit_hook_joins_waits_for_finalization_once():
    # Past dialtime's own hook, a thread's way into Python waits (up to a second) for
    # finalization to start; one joined by an earlier hook waited that second at every call.
    script = textwrap.dedent(
        """
        import atexit, threading, time
        go = threading.Event()
        worker = None
        took = []

        def join_worker():
            go.set()
            worker.join()
            print(len(took), round(max(took), 1), round(sum(took), 1))

        atexit.register(join_worker)
        import dialtime

        payload = {"name": "a", "content": [{"week": 1, "times": [{"begin_time": "09:00", "end_time": "18:00"}]}],
                   "is_default": False, "skip_holiday": False}

        def work():
            go.wait()
            for _ in range(6):
                t = time.monotonic()
                dialtime.validate(payload)
                took.append(time.monotonic() - t)

        worker = threading.Thread(target=work, daemon=True)
        worker.start()
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    count, longest, total = done.stdout.split()
    assert count == "6"
    # The first waits its second, the other five 50 ms each (before: six seconds in all).
    assert float(total) < float(longest) + 2.5, done.stdout


def test_any_mapping_or_sequence_is_a_payload_as_the_stubs_say(emulator: Emulator) -> None:
    """The stubs take `Sequence`/`Mapping`; only list, tuple and dict were read (a deque or a
    MappingProxyType was 'must be JSON data')."""
    import collections
    import types

    monday, wednesday = DOCUMENTED["content"]
    client = dialtime.Client(emulator.token, base_url=emulator.base_url)
    saved = client.dial_time_groups.create(
        emulator.user_id,
        name="映射",
        content=collections.deque([types.MappingProxyType(monday), collections.UserDict(wednesday)]),
        is_default=False,
        skip_holiday=False,
    )
    assert [(d.week, len(d.times)) for d in saved.content] == [(1, 2), (3, 2)]
    dialtime.validate(types.MappingProxyType(dict(DOCUMENTED)))
    start = dt.datetime(2026, 11, 30, tzinfo=dt.timezone.utc)
    end = start + dt.timedelta(days=7)
    assert dialtime.Schedule(collections.deque([monday]), False).windows(start, end) == dialtime.Schedule(
        [monday], False
    ).windows(start, end)
    # Text and bytes are not sequences of days; a set is no sequence at all.
    for content in ("text", b"bytes", {1, 2}):
        with pytest.raises(dialtime.ValidationError) as raised:
            dialtime.validate({**DOCUMENTED, "content": content})
        assert raised.value.problems[0].path == "content"


def test_default_headers_take_any_mapping_in_both_clients(emulator: Emulator) -> None:
    import types

    headers = types.MappingProxyType({"x-trace": "1"})
    for make in (dialtime.Client, dialtime.AsyncClient):
        make(emulator.token, base_url=emulator.base_url, default_headers=headers)
        for bad, says in (
            ([("x-a", "b")], "got list"),
            ("ab", "got str"),
            ({"x-a": 1}, 'got a value of type int for "x-a"'),
            ({1: "b"}, "got a name of type int"),
        ):
            with pytest.raises(TypeError, match=f"default_headers must be a mapping of str to str, {says}"):
                make(emulator.token, base_url=emulator.base_url, default_headers=bad)  # type: ignore[arg-type]
        # A value may be a secret: the error gives its type, never the value.
        with pytest.raises(TypeError) as raised:
            make(emulator.token, base_url=emulator.base_url, default_headers={"x-api-key": b"s3cr3t-value"})  # type: ignore[dict-item]
        assert "s3cr3t" not in str(raised.value) and "of type bytes" in str(raised.value)
    client = dialtime.Client(emulator.token, base_url=emulator.base_url, default_headers=headers)
    client.dial_time_groups.list(emulator.user_id)
    assert emulator.last_request is not None and emulator.last_request.headers["x-trace"] == "1"


def test_too_many_default_headers_are_a_config_error_naming_the_limit(emulator: Emulator) -> None:
    # 24,573 of them panicked in the core's header map; adding them took n² steps.
    many = lambda n, value="v": {f"x-h{i}": value for i in range(n)}  # noqa: E731
    for make in (dialtime.Client, dialtime.AsyncClient):
        make(emulator.token, base_url=emulator.base_url, default_headers=many(64))
        for n in (65, 24_573):
            with pytest.raises(dialtime.ConfigError, match=f"default_headers holds {n} headers, at most 64"):
                make(emulator.token, base_url=emulator.base_url, default_headers=many(n))
    # Counted before a value is copied: a hundred names of one 10 MB string were copied to
    # 1 GB first.
    import resource

    big = "v" * (10 << 20)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(dialtime.ConfigError, match="100 headers, at most 64"):
        dialtime.Client(emulator.token, base_url=emulator.base_url, default_headers=many(100, big))
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 300_000, grown_kib


def test_an_async_client_is_not_copied_as_a_client_is_not() -> None:
    import copy
    import pickle

    async def run() -> None:
        client = dialtime.AsyncClient("t", base_url="http://127.0.0.1:9")
        for attempt in (copy.copy, copy.deepcopy, pickle.dumps):
            with pytest.raises(TypeError, match="cannot pickle 'dialtime.AsyncClient'"):
                attempt(client)
        await client.close()

    asyncio.run(run())


def test_a_bool_where_a_number_belongs_is_a_type_error_naming_the_argument(emulator: Emulator) -> None:
    """`bool` is an `int` to Python: `delete(user, True)` deleted group 1, `page=True` read page
    1, `timeout=True` meant one second. Refused, as a payload's `"week": True` is."""
    client = dialtime.Client(emulator.token, base_url=emulator.base_url, max_retries=0)
    groups = client.dial_time_groups
    for call, name in (
        (lambda: groups.delete(emulator.user_id, True), "group_id"),
        (lambda: groups.update(emulator.user_id, True, name="x"), "group_id"),
        (lambda: groups.list(emulator.user_id, page=True), "page"),
        (lambda: groups.list(emulator.user_id, max_retries=True), "max_retries"),
        (lambda: groups.list(emulator.user_id, timeout=True), "timeout"),
        (lambda: groups.list(emulator.user_id, deadline=False), "deadline"),
        (lambda: dialtime.Client("t", timeout=True), "timeout"),
        (lambda: dialtime.Client("t", connect_timeout=True), "connect_timeout"),
        (lambda: dialtime.Client("t", max_retries=False), "max_retries"),
        (lambda: dialtime.AsyncClient("t", deadline=True), "deadline"),
        (lambda: dialtime.Schedule([], True, makeup_as=True), "makeup_as"),
        (lambda: dialtime.DaySchedule(True, []), "week"),
    ):
        with pytest.raises(TypeError, match="expected (an int|a number of seconds), got bool") as raised:
            call()  # type: ignore[no-untyped-call]
        # pyo3 names the argument in the exception's notes (shown with the traceback).
        assert any(name in note for note in getattr(raised.value, "__notes__", [])), (name, raised.value)
    assert emulator.request_count == 0
    # An IntEnum is an int like any other.
    assert dialtime.DaySchedule(dialtime.Weekday.MONDAY, []).week == 1


def test_a_float_option_beyond_floats_is_a_config_error_naming_it(emulator: Emulator) -> None:
    """pyo3 raised OverflowError ("int too large to convert to float"), the option named only
    in __notes__."""
    for options, name in (({"timeout": 2**2000}, "timeout"), ({"deadline": -(2**2000)}, "deadline"),
                          ({"connect_timeout": 2**2000}, "connect_timeout")):
        with pytest.raises(dialtime.ConfigError, match=name):
            dialtime.Client(emulator.token, base_url=emulator.base_url, **options)  # type: ignore[arg-type]
    client = dialtime.Client(emulator.token, base_url=emulator.base_url)
    with pytest.raises(dialtime.ConfigError, match="timeout"):
        client.dial_time_groups.list(emulator.user_id, timeout=2**2000)
    assert emulator.request_count == 0


def test_ints_beyond_64_bits_are_the_librarys_errors_naming_the_field(emulator: Emulator) -> None:
    """pyo3 raised OverflowError (no ValueError, the argument named only in __notes__)."""
    client = dialtime.Client(emulator.token, base_url=emulator.base_url)
    groups = client.dial_time_groups
    for call, path in (
        (lambda: groups.list(emulator.user_id, page=2**64), "page"),
        (lambda: groups.list(emulator.user_id, page=-(2**70)), "page"),
        (lambda: groups.delete(emulator.user_id, 2**64), "group_id"),
        (lambda: groups.update(emulator.user_id, 2**64, name="x"), "group_id"),
    ):
        with pytest.raises(dialtime.ValidationError) as raised:
            call()
        assert [p.path for p in raised.value.problems] == [path]
    assert emulator.request_count == 0
    with pytest.raises(dialtime.ConfigError, match="max_retries"):
        dialtime.Client(emulator.token, base_url=emulator.base_url, max_retries=2**64)
    with pytest.raises(dialtime.ConfigError, match="max_retries"):
        groups.list(emulator.user_id, max_retries=2**64)
    with pytest.raises(dialtime.ValidationError, match="week"):
        dialtime.DaySchedule(2**64, [])
    assert dialtime.Calendar.china().covers(2**64) is False
    from dialtime.testing import Emulator as Emu

    for options, path in (({"port": 70000}, "port"), ({"port": 2**64}, "port"), ({"request_log_limit": -1}, "request_log_limit")):
        with pytest.raises(dialtime.ValidationError) as raised:
            Emu(**options)  # type: ignore[arg-type]
        assert raised.value.problems[0].path == path
