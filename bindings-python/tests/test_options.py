"""Client options and per-call overrides, read back or shown by their effect: the deadline,
per-call timeouts, Retry-After forms, call details on errors, default headers and the user
agent suffix, an HTTPS emulator with its CA, and logging through the `logging` module."""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import os
import pickle
import subprocess
import sys
import time
import urllib.request

import pytest

import dialtime
from dialtime.testing import Emulator

from conftest import DOCUMENTED


def client(emu: Emulator, **options: object) -> dialtime.Client:
    return dialtime.Client(emu.token, base_url=emu.base_url, **options)  # type: ignore[arg-type]


def last_request(emu: Emulator) -> dict:
    with urllib.request.urlopen(emu.base_url + "/_emulator/last-request") as r:
        return json.loads(r.read())


def test_options_are_read_back_and_left_to_the_core_by_default(emulator: Emulator) -> None:
    c = client(emulator)
    assert (c.timeout, c.connect_timeout, c.deadline, c.max_retries) == (30.0, 10.0, None, 2)
    c = client(emulator, timeout=5, connect_timeout=2.5, deadline=12, max_retries=0)
    assert (c.timeout, c.connect_timeout, c.deadline, c.max_retries) == (5.0, 2.5, 12.0, 0)
    assert "deadline=12.0" in repr(c) and emulator.token not in repr(c)
    # A deadline past what the clock holds is no deadline (every call was an internal error).
    far = client(emulator, timeout=1e19, deadline=1e19)
    assert far.dial_time_groups.list(emulator.user_id).total == 0
    assert c.dial_time_groups.list(emulator.user_id, deadline=1e19).total == 0


def test_unknown_and_mistyped_options_are_type_errors(emulator: Emulator) -> None:
    with pytest.raises(TypeError, match="'timout'"):
        client(emulator, timout=5)
    with pytest.raises(TypeError, match="timeout"):
        client(emulator, timeout="soon")
    with pytest.raises(TypeError, match="default_headers"):
        client(emulator, default_headers={"X-Tenant": 7})
    with pytest.raises(dialtime.ConfigError, match="deadline"):
        client(emulator, deadline=0)
    with pytest.raises(dialtime.ConfigError, match="Authorization"):
        client(emulator, default_headers={"Authorization": "Bearer x"})


def test_with_options_is_a_cheap_copy_and_per_call_keywords_override(emulator: Emulator) -> None:
    c = client(emulator, timeout=10, max_retries=0)
    quick = c.with_options(timeout=0.2)
    assert (quick.timeout, c.timeout) == (0.2, 10.0)
    emulator.push_fault(delay_ms=800)
    started = time.monotonic()
    with pytest.raises(dialtime.APITimeoutError):
        quick.dial_time_groups.list(emulator.user_id)
    assert time.monotonic() - started < 0.7
    # The same override as a keyword, for one call only.
    emulator.push_fault(delay_ms=800)
    with pytest.raises(dialtime.APITimeoutError):
        c.dial_time_groups.list(emulator.user_id, timeout=0.2)
    emulator.push_fault(delay_ms=400)
    c.dial_time_groups.list(emulator.user_id)  # the client's own 10 s


def test_a_deadline_shorter_than_the_backoff_ends_the_call(emulator: Emulator) -> None:
    c = client(emulator, max_retries=5)
    emulator.push_fault(status=503, times=10)
    started = time.monotonic()
    with pytest.raises(dialtime.ServerError) as caught:
        c.dial_time_groups.list(emulator.user_id, deadline=0.3)
    assert time.monotonic() - started < 0.3
    e = caught.value
    assert (e.attempts, e.deadline_passed, e.method) == (1, True, "GET")
    assert e.path == f"/agent-api/user/{emulator.user_id}/dial-time-group"
    assert "the deadline of 300 ms left no time to wait for another attempt" in str(e)


def test_async_per_call_deadline_and_with_options(emulator: Emulator) -> None:
    asyncio.run(async_per_call_deadline_and_with_options(emulator))


async def async_per_call_deadline_and_with_options(emulator: Emulator) -> None:
    async with dialtime.AsyncClient(emulator.token, base_url=emulator.base_url) as c:
        emulator.push_fault(delay_ms=3000)
        started = time.monotonic()
        with pytest.raises(dialtime.APITimeoutError) as caught:
            await c.dial_time_groups.list(emulator.user_id, deadline=0.25)
        assert time.monotonic() - started < 2
        assert caught.value.deadline_passed
        copy = c.with_options(max_retries=0, deadline=4)
        assert (copy.max_retries, copy.deadline, c.max_retries) == (0, 4.0, 2)
        assert (await copy.dial_time_groups.list(emulator.user_id)).data == []


@pytest.mark.parametrize(
    "header, value, at_least",
    [("retry_after", "1", 0.99), ("retry-after-ms", "300", 0.29)],
)
def test_retry_after_forms_are_waited_for(
    emulator: Emulator, header: str, value: str, at_least: float
) -> None:
    c = client(emulator, max_retries=1)
    if header == "retry_after":
        emulator.push_fault(status=429, retry_after=value)
    else:
        emulator.push_fault(status=429, headers={header: value})
    started = time.monotonic()
    c.dial_time_groups.list(emulator.user_id)
    assert time.monotonic() - started >= at_least


def test_retry_after_beyond_a_minute_is_not_waited_for(emulator: Emulator) -> None:
    c = client(emulator, max_retries=1)
    emulator.push_fault(status=429, retry_after="120")
    started = time.monotonic()
    with pytest.raises(dialtime.RateLimitError) as caught:
        c.dial_time_groups.list(emulator.user_id)
    assert time.monotonic() - started < 5
    assert (caught.value.retry_after, caught.value.attempts) == (120.0, 1)


def test_errors_carry_the_request_id_headers_and_attempts(emulator: Emulator) -> None:
    c = client(emulator)
    with pytest.raises(dialtime.NotFoundError) as caught:
        c.dial_time_groups.delete(emulator.user_id, 424242)
    e = caught.value
    assert e.method == "DELETE"
    assert e.path == f"/agent-api/user/{emulator.user_id}/dial-time-group/424242"
    assert e.request_id == "emu-1" and e.headers["x-request-id"] == "emu-1"
    assert e.attempts == 1 and e.elapsed is not None and e.elapsed >= 0
    assert "request id emu-1" in str(e)


def test_default_headers_and_the_user_agent_suffix_are_sent(emulator: Emulator) -> None:
    c = client(emulator, default_headers={"X-Tenant": "acme-7"}, user_agent_suffix="sync-job/3")
    c.dial_time_groups.list(emulator.user_id)
    seen = last_request(emulator)["headers"]
    assert seen["x-tenant"] == "acme-7"
    assert seen["user-agent"] == f"dialtime/{dialtime.__version__} (python) sync-job/3"


def test_an_https_emulator_needs_its_ca() -> None:
    with Emulator(tls=True) as emu:
        assert emu.base_url.startswith("https://") and emu.ca_pem
        with pytest.raises(dialtime.APIConnectionError, match="(?i)certificate"):
            client(emu, max_retries=0).dial_time_groups.list(emu.user_id)
        for ca in (emu.ca_pem, emu.ca_pem.encode(), [emu.ca_pem]):
            client(emu, root_certificates=ca).dial_time_groups.list(emu.user_id)
        only = client(emu, root_certificates=emu.ca_pem, trust_only_root_certificates=True)
        only.dial_time_groups.list(emu.user_id)


@pytest.mark.parametrize(
    ("given", "got"),
    [
        (1, "got int"),
        ([1], "got a list holding int at [0]"),
        ((b"x", None), "got a tuple holding NoneType at [1]"),
        ({"pem": "x"}, "got dict"),
    ],
)
def test_root_certificates_of_another_type_are_a_type_error_naming_the_option(
    given: object, got: str
) -> None:
    # `[1]` was read as the byte 0x01 (a ConfigError "holds no certificate"), the rest got
    # pyo3's account of three failed conversions.
    with pytest.raises(TypeError) as caught:
        dialtime.Client("t", base_url="http://127.0.0.1:9", root_certificates=given)  # type: ignore[arg-type]
    assert str(caught.value) == (
        f"root_certificates must be a PEM (str or bytes) or a sequence of them, {got}"
    )


def test_root_certificates_are_measured_before_they_are_copied() -> None:
    """A thousand references to one 10 MB str were 10 GB copied before any check; the core's
    limits (256 texts, 8 MiB in all) now apply as each is read, by the string's own length
    (not a subclass's __len__)."""
    import resource

    class Short(str):
        def __len__(self) -> int:
            return 1

    big = "c" * (10 << 20)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for given in ([big] * 1000, big, Short(big), [b"c" * (1 << 20)] * 100):
        with pytest.raises(dialtime.ConfigError, match="more than 8388608 bytes of PEM"):
            dialtime.Client("t", base_url="http://127.0.0.1:9", root_certificates=given)
    with pytest.raises(dialtime.ConfigError, match="257 PEM texts, at most 256"):
        dialtime.Client("t", base_url="http://127.0.0.1:9", root_certificates=["x"] * 300)
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak
    assert grown_kb < 300_000, grown_kb


def test_every_attempt_is_logged_through_logging_without_the_token(
    emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    c = client(emulator, max_retries=1)
    emulator.push_fault(status=503, headers={"retry-after-ms": "1"})
    with caplog.at_level(logging.DEBUG, logger="dialtime"):
        c.dial_time_groups.list(emulator.user_id)
    records = [r for r in caplog.records if r.name == "dialtime"]
    path = f"/agent-api/user/{emulator.user_id}/dial-time-group"
    assert [r.levelname for r in records] == ["INFO", "DEBUG"], caplog.text
    assert records[0].getMessage().startswith(f"GET {path} -> 503 server (attempt 1, ")
    assert records[1].getMessage().startswith(f"GET {path} -> 200 (attempt 2, ")
    assert emulator.token not in caplog.text
    # Logging off: nothing recorded.
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="dialtime"):
        c.dial_time_groups.list(emulator.user_id)
    assert not [r for r in caplog.records if r.name == "dialtime"]


def test_async_attempts_are_logged_on_the_loop_thread(
    emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    async def three() -> None:
        async with dialtime.AsyncClient(emulator.token, base_url=emulator.base_url) as c:
            await asyncio.gather(*(c.dial_time_groups.list(emulator.user_id) for _ in range(3)))

    with caplog.at_level(logging.DEBUG, logger="dialtime"):
        asyncio.run(three())
    lines = [r.getMessage() for r in caplog.records if r.name == "dialtime"]
    assert len(lines) == 3 and all(" -> 200 (attempt 1, " in line for line in lines), lines


class _NoReaderLoop(asyncio.SelectorEventLoop):
    """A loop that cannot watch a socket (as a proactor loop), so completions take the
    fallback: one `call_soon_threadsafe` each."""

    def add_reader(self, *args: object, **kwargs: object) -> None:
        raise NotImplementedError


def test_async_attempts_are_logged_on_a_loop_without_add_reader(
    emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    loop = _NoReaderLoop()
    try:
        c = dialtime.AsyncClient(emulator.token, base_url=emulator.base_url)
        with caplog.at_level(logging.DEBUG, logger="dialtime"):
            for _ in range(3):
                loop.run_until_complete(c.dial_time_groups.list(emulator.user_id))
            lines = [r.getMessage() for r in caplog.records if r.name == "dialtime"]
        loop.run_until_complete(c.close())
    finally:
        loop.close()
    assert len(lines) == 3 and all(" -> 200 (attempt 1, " in line for line in lines), lines


def test_list_all_pages_are_logged_when_fetched(emulator: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    """A cursor's page fetches are logged as calls are: with the levels wanted then, written
    before the next group is handed out (sync), or at all (async, as the first call)."""
    c = client(emulator)
    c.dial_time_groups.create(emulator.user_id, name="a", content=[{"week": 1, "times": [{"begin_time": "08:00", "end_time": "09:00"}]}], is_default=False, skip_holiday=False)
    with caplog.at_level(logging.WARNING, logger="dialtime"):
        c.dial_time_groups.list(emulator.user_id)  # logging off at the last call
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="dialtime"):
        groups = iter(c.dial_time_groups.list_all(emulator.user_id))
        next(groups)
        lines = [r.getMessage() for r in caplog.records if r.name == "dialtime"]
        assert len(lines) == 1 and " -> 200 (attempt 1, " in lines[0], lines

    async def walk() -> None:
        async with dialtime.AsyncClient(emulator.token, base_url=emulator.base_url) as ac:
            assert [g.name async for g in ac.dial_time_groups.list_all(emulator.user_id)] == ["a"]

    with caplog.at_level(logging.WARNING, logger="dialtime"):
        c.dial_time_groups.list(emulator.user_id)
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="dialtime"):
        asyncio.run(walk())
    lines = [r.getMessage() for r in caplog.records if r.name == "dialtime"]
    assert len(lines) == 1 and " -> 200 (attempt 1, " in lines[0], lines


INTERRUPTING_HANDLER_SCRIPT = """
import asyncio, logging, os, sys, dialtime

class Interrupting(logging.Handler):
    # Ctrl-C while a record is written.
    def emit(self, record):
        raise KeyboardInterrupt

logger = logging.getLogger("dialtime")
logger.addHandler(Interrupting())
logger.setLevel(logging.DEBUG)
url, token, user = os.environ["EMU_URL"], os.environ["EMU_TOKEN"], os.environ["EMU_USER"]
client = dialtime.Client(token, base_url=url)
cursor = iter(client.dial_time_groups.list_all(user))
for name, call in [
    ("sync", lambda: client.dial_time_groups.list(user)),
    ("cursor", lambda: next(cursor, None)),
]:
    try:
        call()
        print(name, "returned")
    except KeyboardInterrupt:
        print(name, "interrupted")
# The walk is over, not skipping the group it had fetched.
try:
    next(cursor, None)
except dialtime.ConfigError as e:
    print("cursor over" if "interrupted" in str(e) else e)

async def one():
    async with dialtime.AsyncClient(token, base_url=url) as c:
        await c.dial_time_groups.list(user)

for _ in range(2):
    try:
        asyncio.run(one())
        print("async returned")
    except KeyboardInterrupt:
        print("async interrupted")
"""


def test_ctrl_c_in_a_logging_handler_is_raised_not_dropped(emulator: Emulator) -> None:
    # Any error a handler raised was dropped with the rest: Ctrl-C while a record was written
    # was lost and the program went on. `KeyboardInterrupt` and `SystemExit` are raised now
    # (by the call, the cursor, or the event loop); an `Exception` is still logging's business.
    env = {**os.environ, "EMU_URL": emulator.base_url, "EMU_TOKEN": emulator.token,
           "EMU_USER": emulator.user_id}
    done = subprocess.run([sys.executable, "-c", INTERRUPTING_HANDLER_SCRIPT], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split("\n")[:5] == [
        "sync interrupted", "cursor interrupted", "cursor over", "async interrupted",
        "async interrupted",
    ], done.stdout + done.stderr[-2000:]
    # The same from the logger's `isEnabledFor`, read before a call: raised, the next call
    # goes on.
    done = subprocess.run([sys.executable, "-c", INTERRUPTING_LEVEL_SCRIPT], env=env,
                          capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout.split()) == (0, ["interrupted", "again"]), (
        done.stdout + done.stderr[-2000:])


INTERRUPTING_LEVEL_SCRIPT = """
import logging, os, dialtime

class Raising(logging.Logger):
    armed = True

    def isEnabledFor(self, level):
        if Raising.armed:
            Raising.armed = False
            raise KeyboardInterrupt
        return super().isEnabledFor(level)

logging.setLoggerClass(Raising)
client = dialtime.Client(os.environ["EMU_TOKEN"], base_url=os.environ["EMU_URL"])
for _ in range(2):
    try:
        client.dial_time_groups.list(os.environ["EMU_USER"])
        print("again")
    except KeyboardInterrupt:
        print("interrupted")
"""


def test_dialtime_log_env_writes_to_stderr_without_code(emulator: Emulator) -> None:
    script = (
        "import dialtime, sys\n"
        "c = dialtime.Client(sys.argv[1], base_url=sys.argv[2])\n"
        "c.dial_time_groups.list(sys.argv[3])\n"
    )
    env = dict(os.environ, DIALTIME_LOG="debug")
    done = subprocess.run(
        [sys.executable, "-c", script, emulator.token, emulator.base_url, emulator.user_id],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "dialtime DEBUG: GET /agent-api/user/" in done.stderr, done.stderr
    assert emulator.token not in done.stderr


class ForwardProxy:
    """A small forward proxy for plain HTTP: notes each connection's first request line,
    connects to the absolute URI's host and pipes both ways."""

    def __init__(self) -> None:
        import socket
        import threading

        self.seen: list = []
        self._server = socket.create_server(("127.0.0.1", 0))
        self.url = "http://127.0.0.1:%d" % self._server.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        import threading

        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._forward, args=(conn,), daemon=True).start()

    def _forward(self, conn) -> None:  # type: ignore[no-untyped-def]
        import socket
        import threading

        head = b""
        while b"\r\n\r\n" not in head:
            chunk = conn.recv(65536)
            if not chunk:
                return
            head += chunk
        line = head.split(b"\r\n", 1)[0].decode()
        self.seen.append(line)
        host = line.split(" ")[1].split("//", 1)[1].split("/", 1)[0]
        name, port = host.rsplit(":", 1)
        upstream = socket.create_connection((name, int(port)))
        upstream.sendall(head)

        def pipe(src, dst) -> None:  # type: ignore[no-untyped-def]
            try:
                while True:
                    data = src.recv(65536)
                    if not data:
                        break
                    dst.sendall(data)
            except OSError:
                pass
            finally:
                try:
                    dst.shutdown(socket.SHUT_WR)
                except OSError:
                    pass

        threading.Thread(target=pipe, args=(upstream, conn), daemon=True).start()
        pipe(conn, upstream)

    def close(self) -> None:
        self._server.close()


def test_an_explicit_proxy_carries_calls_and_the_environment_one_skips_loopback(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy = ForwardProxy()
    try:
        client(emulator, proxy=proxy.url).dial_time_groups.list(emulator.user_id)
        assert len(proxy.seen) == 1
        assert proxy.seen[0].startswith(
            f"GET {emulator.base_url}/agent-api/user/{emulator.user_id}/dial-time-group"
        )
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("http_proxy", proxy.url)
        client(emulator).dial_time_groups.list(emulator.user_id)
        client(emulator, ignore_env_proxy=True).dial_time_groups.list(emulator.user_id)
        assert len(proxy.seen) == 1  # loopback never goes through an environment proxy
    finally:
        proxy.close()


def test_a_recorder_keeps_a_successful_calls_request_id(emulator: Emulator) -> None:
    client = dialtime.Client(emulator.token, base_url=emulator.base_url, max_retries=2)
    recorder = dialtime.ResponseRecorder()
    assert recorder.last is None
    recording = client.with_options(recorder=recorder)
    emulator.push_fault(status=503)
    recording.dial_time_groups.list(emulator.user_id)  # a GET: retried once
    answer = recorder.last
    assert answer is not None
    assert (answer.http_status, answer.method, answer.attempts) == (200, "GET", 2)
    assert answer.path == f"/agent-api/user/{emulator.user_id}/dial-time-group"
    assert emulator.last_request is not None
    assert answer.request_id == emulator.last_request.request_id == "emu-2"
    assert answer.headers["x-request-id"] == "emu-2"
    assert answer.elapsed > 0
    assert emulator.token not in repr(answer) and emulator.token not in str(answer.headers)
    assert "request_id='emu-2' attempts=2>" in repr(answer), repr(answer)
    # Immutable: copies are the object; a pickle (a worker's answer) keeps every field.
    assert copy.copy(answer) is answer and copy.deepcopy(answer) is answer
    back = pickle.loads(pickle.dumps(answer))
    fields = ("http_status", "method", "path", "request_id", "headers", "attempts", "elapsed")
    assert [getattr(back, f) for f in fields] == [getattr(answer, f) for f in fields]
    with pytest.raises(ValueError, match='method "PATCH" is not GET'):
        dialtime.ResponseInfo._restore("PATCH", "/", 200, None, [], 1, 0)
    saved = recording.dial_time_groups.create(emulator.user_id, **DOCUMENTED)
    assert recorder.last is not None and (recorder.last.method, recorder.last.request_id) == ("POST", "emu-3")
    assert saved.id == 1
    # Only the recording copy records; take() empties it.
    client.dial_time_groups.list(emulator.user_id)
    taken = recorder.take()
    assert taken is not None and taken.request_id == "emu-3" and recorder.last is None


def test_the_async_client_records_too(emulator: Emulator) -> None:
    recorder = dialtime.ResponseRecorder()

    async def run() -> None:
        async with dialtime.AsyncClient(emulator.token, base_url=emulator.base_url) as client:
            await client.with_options(recorder=recorder).dial_time_groups.list(emulator.user_id)

    asyncio.run(run())
    assert recorder.last is not None and recorder.last.request_id == "emu-1"
