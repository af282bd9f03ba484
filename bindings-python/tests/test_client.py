"""Client configuration, context managers, and the same surface on Client and AsyncClient."""

from __future__ import annotations

import asyncio
import inspect

import pytest

import dialtime
from conftest import DOCUMENTED

SECRET = "sk-live-0123456789abcdef"


@pytest.mark.parametrize("cls", [dialtime.Client, dialtime.AsyncClient])
def test_repr_never_shows_the_token(cls):
    client = cls(SECRET, base_url="http://127.0.0.1:1")
    for text in (repr(client), str(client)):
        assert SECRET not in text
        assert "127.0.0.1:1" in text


@pytest.mark.parametrize("cls", [dialtime.Client, dialtime.AsyncClient])
def test_defaults_and_options(cls, monkeypatch):
    monkeypatch.delenv("DIALTIME_BASE_URL", raising=False)
    client = cls("t")
    assert client.base_url == "https://ai.api.longlonglong.cn"
    assert (client.timeout, client.connect_timeout, client.max_retries) == (30.0, 10.0, 2)
    client = cls("t", base_url="http://10.0.0.1:8080/api/", timeout=1.5, connect_timeout=0.25, max_retries=0)
    assert client.base_url == "http://10.0.0.1:8080/api"
    assert (client.timeout, client.connect_timeout, client.max_retries) == (1.5, 0.25, 0)


def test_environment_variables_configure_the_client(emulator, monkeypatch):
    monkeypatch.setenv("DIALTIME_TOKEN", emulator.token)
    monkeypatch.setenv("DIALTIME_BASE_URL", emulator.base_url)
    with dialtime.Client() as client:
        assert client.base_url == emulator.base_url
        assert client.dial_time_groups.create(emulator.user_id, **DOCUMENTED).id >= 1


def test_explicit_arguments_beat_the_environment(emulator, monkeypatch):
    monkeypatch.setenv("DIALTIME_TOKEN", "wrong")
    monkeypatch.setenv("DIALTIME_BASE_URL", "http://127.0.0.1:1")
    client = dialtime.Client(emulator.token, base_url=emulator.base_url)
    assert client.dial_time_groups.create(emulator.user_id, **DOCUMENTED).id >= 1


def test_sync_context_manager_closes(emulator):
    with dialtime.Client(emulator.token, base_url=emulator.base_url) as client:
        client.dial_time_groups.create(emulator.user_id, **DOCUMENTED)
    with pytest.raises(dialtime.ConfigError):
        client.dial_time_groups.create(emulator.user_id, **DOCUMENTED)


def test_close_closes_the_client_it_is_called_on_and_not_its_copies(emulator):
    # As documented: a copy made with with_options is a client of its own.
    client = dialtime.Client(emulator.token, base_url=emulator.base_url)
    quick = client.with_options(timeout=2)
    client.close()
    with pytest.raises(dialtime.ConfigError):
        client.dial_time_groups.list(emulator.user_id)
    assert quick.dial_time_groups.list(emulator.user_id).total == 0
    quick.close()
    with pytest.raises(dialtime.ConfigError):
        quick.dial_time_groups.list(emulator.user_id)


def test_async_context_manager_and_close(emulator):
    async def run():
        async with dialtime.AsyncClient(emulator.token, base_url=emulator.base_url) as client:
            assert isinstance(client, dialtime.AsyncClient)
            first = await client.dial_time_groups.create(emulator.user_id, **DOCUMENTED)
        other = dialtime.AsyncClient(emulator.token, base_url=emulator.base_url)
        second = await other.dial_time_groups.create(emulator.user_id, **DOCUMENTED)
        assert await other.close() is None
        return first, second

    first, second = asyncio.run(run())
    assert second.id == first.id + 1


def test_sync_and_async_return_the_same_group(emulator):
    sync = dialtime.Client(emulator.token, base_url=emulator.base_url)
    a = sync.dial_time_groups.create(emulator.user_id, **DOCUMENTED).to_dict()

    async def run():
        client = dialtime.AsyncClient(emulator.token, base_url=emulator.base_url)
        return await client.dial_time_groups.create(emulator.user_id, **DOCUMENTED)

    b = asyncio.run(run()).to_dict()
    for key in ("id", "created_at", "updated_at"):
        a.pop(key), b.pop(key)
    assert a == b


def test_same_surface_on_both_clients():
    def public(obj):
        return {n for n in dir(obj) if not n.startswith("_")}

    assert public(dialtime.Client) == public(dialtime.AsyncClient)
    assert public(dialtime.DialTimeGroups) == public(dialtime.AsyncDialTimeGroups)
    def params(fn):
        # Names, kinds and defaults (the native methods carry no annotations).
        return [
            (p.name, p.kind if p.kind != p.POSITIONAL_ONLY else p.POSITIONAL_OR_KEYWORD, p.default)
            for p in inspect.signature(fn).parameters.values()
            if p.name != "self"
        ]

    for name in public(dialtime.DialTimeGroups):
        sync = getattr(dialtime.DialTimeGroups, name)
        async_ = getattr(dialtime.AsyncDialTimeGroups, name)
        assert params(sync) == params(async_), name
        # Every async method that makes a call is a real coroutine function.
        assert inspect.iscoroutinefunction(async_) == (name != "list_all"), name
    assert params(dialtime.Client) == params(dialtime.AsyncClient)


def test_one_resource_object_per_client(emulator):
    client = dialtime.Client(emulator.token, base_url=emulator.base_url)
    assert client.dial_time_groups is client.dial_time_groups


def test_version():
    assert dialtime.__version__.count(".") == 2
