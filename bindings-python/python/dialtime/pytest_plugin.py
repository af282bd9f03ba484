"""pytest fixtures for code that calls dialtime, installed with the wheel (entry point
``pytest11``): no conftest needed.

- ``dialtime_emulator``: a fresh :class:`dialtime.testing.Emulator` per test, stopped after it;
  options per test with ``@pytest.mark.dialtime_emulator(groups=[...], sub_users=[...])``
  (the keywords of ``Emulator``).
- ``dialtime_client``: a :class:`dialtime.Client` for that emulator (token and base URL set,
  everything else the library's defaults), closed after the test.
- ``dialtime_async_client``: the same as a :class:`dialtime.AsyncClient`, for ``async`` tests
  (pytest-asyncio, anyio) or ``asyncio.run`` inside a test.

::

    def test_saves_the_standard_group(dialtime_client, dialtime_emulator):
        my_app.install_groups(dialtime_client, dialtime_emulator.user_id)
        (saved,) = dialtime_emulator.requests
        assert saved.method == "POST" and saved.body["name"] == "工作日白天"
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from typing import Iterator

    from . import AsyncClient, Client
    from .testing import Emulator

MARKER = "dialtime_emulator"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(**options): options for the {MARKER} fixture (port, token, user_id, "
        "sub_users, groups, request_log_limit, tls)",
    )


@pytest.fixture
def dialtime_emulator(request: pytest.FixtureRequest) -> Iterator[Emulator]:
    """A fresh emulator for this test (its faults and request log start empty)."""
    from .testing import Emulator

    marker = request.node.get_closest_marker(MARKER)
    options = dict(marker.kwargs) if marker is not None else {}
    with Emulator(**options) as emu:
        yield emu


@pytest.fixture
def dialtime_client(dialtime_emulator: Emulator) -> Iterator[Client]:
    """A synchronous client talking to ``dialtime_emulator``."""
    from . import Client

    ca = dialtime_emulator.ca_pem
    with Client(
        dialtime_emulator.token,
        base_url=dialtime_emulator.base_url,
        root_certificates=ca,
    ) as client:
        yield client


@pytest.fixture
def dialtime_async_client(dialtime_emulator: Emulator) -> AsyncClient:
    """An asyncio client talking to ``dialtime_emulator`` (its pool is freed with it)."""
    from . import AsyncClient

    return AsyncClient(
        dialtime_emulator.token,
        base_url=dialtime_emulator.base_url,
        root_certificates=dialtime_emulator.ca_pem,
    )
