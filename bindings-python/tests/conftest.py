"""Shared fixtures: a fresh in-process emulator per test, and `api`, which runs the same call
through the sync `Client` and the asyncio `AsyncClient` (each test using it runs twice)."""

from __future__ import annotations

import asyncio
import json
import pathlib
from typing import Any, Dict, Iterator

import pytest

import dialtime
from dialtime.testing import Emulator

VECTORS = pathlib.Path(__file__).resolve().parents[2] / "tests" / "vectors"

# The group of the platform's documentation.
DOCUMENTED = {
    "name": "周一周三拨打",
    "content": [
        {
            "week": 1,
            "times": [
                {"begin_time": "08:00", "end_time": "20:00"},
                {"begin_time": "20:30", "end_time": "22:00"},
            ],
        },
        {
            "week": 3,
            "times": [
                {"begin_time": "08:00", "end_time": "12:00"},
                {"begin_time": "20:30", "end_time": "22:00"},
            ],
        },
    ],
    "is_default": True,
    "skip_holiday": True,
}


def vectors(name: str) -> Any:
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator() as emu:
        yield emu


class Api:
    """One create call, made the sync or the async way."""

    def __init__(self, mode: str, emu: Emulator) -> None:
        self.mode = mode
        self.emu = emu

    def create(
        self,
        user_id: str | None = None,
        *,
        token: str | None = None,
        base_url: str | None = None,
        timeout: float = 30.0,
        max_retries: int = 0,
        **payload: Any,
    ) -> dialtime.DialTimeGroup:
        user = self.emu.user_id if user_id is None else user_id
        body: Dict[str, Any] = {**DOCUMENTED, **payload}
        options: Dict[str, Any] = {
            "base_url": self.emu.base_url if base_url is None else base_url,
            "timeout": timeout,
            "max_retries": max_retries,
        }
        key = self.emu.token if token is None else token
        if self.mode == "sync":
            with dialtime.Client(key, **options) as client:
                return client.dial_time_groups.create(user, **body)

        async def run() -> dialtime.DialTimeGroup:
            async with dialtime.AsyncClient(key, **options) as client:
                return await client.dial_time_groups.create(user, **body)

        return asyncio.run(run())


@pytest.fixture(params=["sync", "async"])
def api(request: pytest.FixtureRequest, emulator: Emulator) -> Api:
    return Api(request.param, emulator)
