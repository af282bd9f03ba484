"""Every exception class, produced by the matching emulator behaviour, sync and async."""

from __future__ import annotations

import asyncio
import pickle
import traceback

import pytest

import dialtime
from conftest import Api
from dialtime.testing import Emulator

SECRET = "sk-live-0123456789abcdef"

LARAVEL_422 = (
    '{"message":"The given data was invalid.","errors":{'
    '"content.0.week":["week 必须在 0-6 之间"],"name":["name 不能为空"]}}'
)


def test_hierarchy():
    assert issubclass(dialtime.ValidationError, ValueError)
    for cls in (
        dialtime.AuthenticationError,
        dialtime.NotFoundError,
        dialtime.RateLimitError,
        dialtime.ServerError,
    ):
        assert issubclass(cls, dialtime.APIError)
    assert issubclass(dialtime.APIConnectionError, ConnectionError)
    assert issubclass(dialtime.APITimeoutError, dialtime.APIConnectionError)
    assert issubclass(dialtime.APITimeoutError, TimeoutError)
    for name in dialtime.__all__:
        obj = getattr(dialtime, name)
        if isinstance(obj, type) and issubclass(obj, BaseException):
            assert issubclass(obj, dialtime.DialtimeError), name
            assert obj.__module__ == "dialtime"


def test_401_authentication_error_never_shows_the_token(api: Api):
    with pytest.raises(dialtime.AuthenticationError) as info:
        api.create(token=SECRET)
    err = info.value
    assert err.http_status == 401
    assert err.envelope_code == 401
    assert err.api_message
    shown = "".join(traceback.format_exception(type(err), err, err.__traceback__))
    for text in (str(err), repr(err), err.body_excerpt, shown):
        assert SECRET not in text


def test_403_for_another_users_id(api: Api):
    with pytest.raises(dialtime.AuthenticationError) as info:
        api.create("0c4c3a67-2d4f-4a0c-9b1e-6f1f1d2b9c11")
    assert info.value.http_status == 403


def test_422_lists_the_servers_field_errors(api: Api):
    api.emu.push_fault(status=422, body=LARAVEL_422)
    with pytest.raises(dialtime.APIError) as info:
        api.create()
    err = info.value
    assert type(err) is dialtime.APIError
    assert err.http_status == 422
    assert err.problems == [("content.0.week", "week 必须在 0-6 之间"), ("name", "name 不能为空")]


def test_error_envelope_inside_a_200(api: Api):
    api.emu.push_fault(status=200, code=404, message="用户不存在")
    with pytest.raises(dialtime.NotFoundError) as info:
        api.create()
    assert (info.value.http_status, info.value.envelope_code, info.value.api_message) == (200, 404, "用户不存在")


def test_404_for_an_unknown_route(api: Api):
    with pytest.raises(dialtime.NotFoundError) as info:
        api.create(base_url=api.emu.base_url + "/not-here")
    assert info.value.http_status == 404


def test_429_rate_limit_with_retry_after(api: Api):
    api.emu.push_fault(status=429, retry_after="7")
    with pytest.raises(dialtime.RateLimitError) as info:
        api.create()
    assert info.value.http_status == 429
    assert info.value.retry_after == 7.0


def test_429_is_retried_then_succeeds(api: Api):
    api.emu.push_fault(status=429, retry_after="0")
    group = api.create(max_retries=1)
    assert group.id >= 1


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_server_error_and_a_create_is_not_repeated(api: Api, status: int):
    api.emu.push_fault(status=status)
    before = api.emu.request_count
    with pytest.raises(dialtime.ServerError) as info:
        api.create(max_retries=2)
    assert info.value.http_status == status
    assert api.emu.request_count == before + 1


def test_malformed_body_is_a_decode_error(api: Api):
    api.emu.push_fault(status=200, body="<html>gateway</html>")
    with pytest.raises(dialtime.DecodeError) as info:
        api.create()
    assert info.value.http_status == 200
    assert info.value.body_excerpt == "<html>gateway</html>"


def test_timeout(api: Api):
    api.emu.push_fault(delay_ms=3000)
    with pytest.raises(dialtime.APITimeoutError) as info:
        api.create(timeout=0.2)
    assert isinstance(info.value, TimeoutError)
    assert isinstance(info.value, dialtime.APIConnectionError)


def test_connection_refused(api: Api):
    with Emulator() as gone:
        url = gone.base_url
    with pytest.raises(dialtime.APIConnectionError) as info:
        api.create(base_url=url)
    assert not isinstance(info.value, dialtime.APITimeoutError)
    assert isinstance(info.value, ConnectionError)


def test_dropped_connection(api: Api):
    api.emu.push_fault(drop=True)
    with pytest.raises(dialtime.APIConnectionError):
        api.create()


@pytest.mark.parametrize(
    "options, words",
    [
        ({"base_url": "ftp://example.com"}, "http"),
        ({"base_url": "not a url"}, "URL"),
        ({"timeout": -1.0}, "timeout"),
        ({"timeout": float("nan")}, "timeout"),
        ({"connect_timeout": 0.0}, "connect_timeout"),
    ],
)
@pytest.mark.parametrize("cls", [dialtime.Client, dialtime.AsyncClient])
def test_bad_configuration_is_a_config_error(cls, options, words):
    with pytest.raises(dialtime.ConfigError) as info:
        cls(SECRET, **options)
    assert words in str(info.value)
    assert SECRET not in str(info.value)


USER = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
CONTENT = [{"week": 1, "times": [{"begin_time": "09:00", "end_time": "18:00"}]}]


def _token_in_payload_calls(groups):
    """create / update / ensure with the token given as a payload field by mistake."""
    return [
        lambda: groups.create(USER, name="x", content=CONTENT, is_default=False, skip_holiday=False, sub_user_id=SECRET),
        lambda: groups.create(
            USER,
            name="x",
            content=[{"week": 1, "times": [{"begin_time": SECRET, "end_time": "18:00"}]}],
            is_default=False,
            skip_holiday=False,
        ),
        lambda: groups.update(USER, 1, name="x", sub_user_id=SECRET),
        lambda: groups.ensure(USER, name="x", content=CONTENT, is_default=False, skip_holiday=False, sub_user_id=SECRET),
    ]


@pytest.mark.parametrize("closed", [False, True])
def test_a_payload_field_given_the_token_is_not_quoted_back(closed):
    # The payload is read before the call: its problems quoted the field, the token whole.
    client = dialtime.Client(SECRET, base_url="http://127.0.0.1:9")
    if closed:
        client.close()
    for call in _token_in_payload_calls(client.dial_time_groups):
        with pytest.raises(dialtime.ValidationError) as info:
            call()
        assert SECRET not in f"{info.value} {info.value!r} {info.value.problems}"
        assert SECRET[:16] not in str(info.value)
        assert "[redacted]" in str(info.value)

    async def run():
        aclient = dialtime.AsyncClient(SECRET, base_url="http://127.0.0.1:9")
        async with aclient:
            for call in _token_in_payload_calls(aclient.dial_time_groups):
                with pytest.raises(dialtime.ValidationError) as info:
                    await call()
                assert SECRET not in f"{info.value} {info.value!r} {info.value.problems}"
                assert "[redacted]" in str(info.value)

    asyncio.run(run())


@pytest.mark.parametrize("cls", [dialtime.Client, dialtime.AsyncClient])
def test_missing_token_is_a_config_error(cls, monkeypatch):
    monkeypatch.delenv("DIALTIME_TOKEN", raising=False)
    with pytest.raises(dialtime.ConfigError, match="DIALTIME_TOKEN"):
        cls()


def test_a_lone_surrogate_in_an_argument_is_refused_naming_it():
    # pyo3 raised a bare UnicodeEncodeError naming no argument.
    client = dialtime.Client("t" * 20, base_url="http://127.0.0.1:9")
    user = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
    groups = client.dial_time_groups
    for field, call in [
        ("user_id", lambda: groups.list("\ud800")),
        ("user_id", lambda: groups.delete("\ud800", 1)),
        ("user_id", lambda: list(groups.list_all("\ud800"))),
        ("sub_user_id", lambda: groups.list(user, sub_user_id="\ud800")),
        ("zone", lambda: dialtime.Schedule([], False, zone="\ud800")),
    ]:
        with pytest.raises(dialtime.ValidationError) as caught:
            call()
        assert [p.path for p in caught.value.problems] == [field]
    with pytest.raises(dialtime.ConfigError, match="the token contains a character outside ASCII"):
        dialtime.Client("abcdefgh\ud800", base_url="http://127.0.0.1:9")
    # Not a str at all: a TypeError naming the argument, as pyo3's own.
    with pytest.raises(TypeError, match="argument 'user_id': expected str, got int"):
        groups.list(5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="argument 'sub_user_id': expected str, got bytes"):
        groups.list(user, sub_user_id=b"x")  # type: ignore[arg-type]


def test_closed_client_is_a_config_error(emulator):
    client = dialtime.Client(emulator.token, base_url=emulator.base_url)
    client.close()
    with pytest.raises(dialtime.ConfigError, match="closed"):
        client.dial_time_groups.create(emulator.user_id, **_payload())

    async def run():
        async with dialtime.AsyncClient(emulator.token, base_url=emulator.base_url) as aclient:
            pass
        await aclient.dial_time_groups.create(emulator.user_id, **_payload())

    with pytest.raises(dialtime.ConfigError, match="closed"):
        asyncio.run(run())


def test_a_list_all_cursor_stops_when_its_client_is_closed(emulator):
    # The cursor holds its own handle on the pool: it kept fetching pages after close().
    with dialtime.Client(emulator.token, base_url=emulator.base_url) as client:
        for i in range(3):
            client.dial_time_groups.create(emulator.user_id, **dict(_payload(), name=f"g{i}"))
    client = dialtime.Client(emulator.token, base_url=emulator.base_url)
    cursor = client.dial_time_groups.list_all(emulator.user_id)
    assert next(cursor).name.startswith("g")
    before = emulator.request_count
    client.close()
    with pytest.raises(dialtime.ConfigError, match="closed"):
        next(cursor)
    assert emulator.request_count == before

    async def run():
        aclient = dialtime.AsyncClient(emulator.token, base_url=emulator.base_url)
        acursor = aclient.dial_time_groups.list_all(emulator.user_id)
        assert (await acursor.__anext__()).name.startswith("g")
        await aclient.close()
        await acursor.__anext__()

    with pytest.raises(dialtime.ConfigError, match="closed"):
        asyncio.run(run())
    assert emulator.request_count == before + 1


def test_a_forgotten_await_sends_nothing_and_warns(emulator):
    client = dialtime.AsyncClient(emulator.token, base_url=emulator.base_url)
    pending = client.dial_time_groups.create(emulator.user_id, **_payload())
    assert asyncio.iscoroutine(pending)
    with pytest.warns(RuntimeWarning, match="never awaited"):
        del pending
        import gc

        gc.collect()
    assert emulator.request_count == 0


def test_a_native_awaitable_outside_asyncio_is_a_config_error(emulator):
    client = dialtime.AsyncClient(emulator.token, base_url=emulator.base_url)
    native = client.dial_time_groups._native
    with pytest.raises(dialtime.ConfigError, match="event loop"):
        native.create(emulator.user_id, **_payload())


def test_async_validation_errors_raise_when_awaited(emulator):
    client = dialtime.AsyncClient(emulator.token, base_url=emulator.base_url)

    async def run():
        pending = client.dial_time_groups.create("not-a-uuid", **_payload())
        with pytest.raises(dialtime.ValidationError) as info:
            await pending
        return info.value

    err = asyncio.run(run())
    assert [p for p, _ in err.problems] == ["user_id"]


EXAMPLES = [
    dialtime.ValidationError("bad", problems=[("name", "must not be empty")]),
    dialtime.APIError("x", http_status=422, envelope_code=422, api_message="m", body_excerpt="{}", problems=[("a", "b")]),
    dialtime.AuthenticationError("x", http_status=401, envelope_code=401, api_message="m", body_excerpt="{}"),
    dialtime.NotFoundError("x", http_status=404, api_message="m"),
    dialtime.RateLimitError("x", http_status=429, retry_after=1.5),
    dialtime.ServerError("x", http_status=503),
    dialtime.APIConnectionError("refused"),
    dialtime.APITimeoutError("slow"),
    dialtime.DecodeError("x", http_status=200, body_excerpt="<html>"),
    dialtime.ConfigError("no token"),
]


@pytest.mark.parametrize("err", EXAMPLES, ids=lambda e: type(e).__name__)
def test_exceptions_pickle_with_their_attributes(err):
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is type(err)
    assert str(back) == str(err)
    assert back.__dict__ == err.__dict__


def test_raised_exceptions_pickle(api: Api):
    api.emu.push_fault(status=429, retry_after="3")
    with pytest.raises(dialtime.RateLimitError) as info:
        api.create()
    back = pickle.loads(pickle.dumps(info.value))
    assert (back.http_status, back.retry_after, back.body_excerpt) == (429, 3.0, info.value.body_excerpt)


def _payload():
    return {
        "name": "x",
        "content": [{"week": 1, "times": [{"begin_time": "08:00", "end_time": "20:00"}]}],
        "is_default": False,
        "skip_holiday": False,
    }


def test_native_exceptions_have_what_init_gives():
    # The native module makes its exceptions without running Python code (no __init__): it
    # must set the same attributes, with the same defaults, as DialtimeError.__init__.
    with pytest.raises(dialtime.ValidationError) as info:
        dialtime.validate({})
    native = info.value
    made = dialtime.ValidationError("x")
    assert set(vars(native)) == set(vars(made))
    assert native.args == (str(native),) and native.message == str(native)
    assert all(type(p) is dialtime.Problem for p in native.problems) and native.problems
    assert native.problems[0].path == native.problems[0][0]
    for name, value in vars(made).items():
        if name != "problems":
            assert getattr(native, name) == value, name
    assert native.headers is not dialtime.ValidationError("y").headers
    assert pickle.loads(pickle.dumps(native)).__dict__ == native.__dict__
    # A closed client's error (made by the binding, no kwargs) too.
    client = dialtime.Client("t", base_url="http://127.0.0.1:9")
    client.close()
    with pytest.raises(dialtime.ConfigError) as closed:
        client.dial_time_groups.list("3f2504e0-4f89-41d3-9a0c-0305e82c3301")
    assert set(vars(closed.value)) == set(vars(made))
    assert closed.value.problems == [] and closed.value.headers == {}
