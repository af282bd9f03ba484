"""The testing kit: the emulator's options, request log and scoped faults, and the pytest
plugin's fixtures (installed by the wheel: this suite uses them without defining them)."""

from __future__ import annotations

import asyncio
import datetime
import json
import urllib.request

import pytest

import dialtime
from dialtime.testing import Emulator, RecordedRequest, ScopedFault

from conftest import DOCUMENTED

SUB = "0b3c3a51-5b8f-4c43-9a71-1f7c1d2f0a11"
OTHER_SUB = "9e0d7a3c-1111-4a2b-8c3d-2e4f6a8b0c1d"


def test_the_log_shows_what_was_sent_and_never_the_token(emulator: Emulator) -> None:
    client = dialtime.Client(emulator.token, base_url=emulator.base_url, max_retries=0)
    saved = client.dial_time_groups.create(emulator.user_id, **DOCUMENTED, sub_user_id=SUB)
    client.dial_time_groups.list(emulator.user_id, page=2, sub_user_id=SUB)
    create, listing = emulator.requests
    assert isinstance(create, RecordedRequest)
    assert create.method == "POST"
    assert create.path == f"/agent-api/user/{emulator.user_id}/dial-time-group"
    assert create.body["name"] == DOCUMENTED["name"]
    assert create.body["sub_user_id"] == SUB
    assert create.headers["authorization"] == "[present]" and create.authorized
    assert create.request_id == "emu-1"
    assert create.time.tzinfo is not None
    assert abs(create.time - datetime.datetime.now(datetime.timezone.utc)) < datetime.timedelta(minutes=1)
    assert listing.method == "GET" and listing.body is None
    assert listing.query == {"page": "2", "sub_user_id": SUB}
    assert emulator.last_request == listing
    everything = json.dumps([r.to_dict() for r in emulator.requests], ensure_ascii=False)
    assert emulator.token not in everything
    assert emulator.token not in repr(emulator.requests)
    assert saved.id == 1
    emulator.clear_requests()
    assert emulator.requests == [] and emulator.last_request is None
    assert emulator.request_count == 2


def test_a_scoped_fault_never_leaks_past_its_block(emulator: Emulator) -> None:
    client = dialtime.Client(emulator.token, base_url=emulator.base_url, max_retries=0)
    with emulator.fault(status=503, times=5) as outage:
        assert isinstance(outage, ScopedFault)
        with pytest.raises(dialtime.ServerError):
            client.dial_time_groups.list(emulator.user_id)
        assert emulator.pending_faults == 4
    assert emulator.pending_faults == 0
    client.dial_time_groups.list(emulator.user_id)
    # Removed on an exception too.
    with pytest.raises(RuntimeError):
        with emulator.fault(status=500, times=3):
            raise RuntimeError("the test failed")
    assert emulator.pending_faults == 0
    fault_id = emulator.push_fault(status=502, method="POST")
    assert emulator.remove_fault(fault_id) and not emulator.remove_fault(fault_id)
    with pytest.raises(TypeError, match="stauts"):
        emulator.fault(stauts=503)


def test_sub_users_and_seed_groups() -> None:
    seed = [DOCUMENTED, {**DOCUMENTED, "name": "子账号", "is_default": False, "sub_user_id": SUB}]
    with Emulator(sub_users=[SUB], groups=seed, request_log_limit=1) as emu:
        assert emu.sub_users == [SUB]
        client = dialtime.Client(emu.token, base_url=emu.base_url, max_retries=0)
        (main,) = client.dial_time_groups.list(emu.user_id).data
        assert (main.id, main.name, main.is_default) == (1, DOCUMENTED["name"], True)
        (sub,) = client.dial_time_groups.list(emu.user_id, sub_user_id=SUB).data
        assert sub.name == "子账号"
        with pytest.raises(dialtime.AuthenticationError) as refused:
            client.dial_time_groups.list(emu.user_id, sub_user_id=OTHER_SUB)
        assert refused.value.http_status == 403
        assert len(emu.requests) == 1, "request_log_limit keeps the most recent"


def test_seed_groups_of_a_real_size_each_start() -> None:
    """Each seed group is converted with its own 100,000-value budget: four full weeks of
    one-minute windows (~30,000 values each) were refused as one payload."""
    at = lambda n: f"{n // 60:02}:{n % 60:02}"  # noqa: E731
    minutes = [{"begin_time": at(m), "end_time": "24:00" if m == 1439 else at(m + 1)} for m in range(1440)]
    week = [{"week": w, "times": minutes} for w in range(7)]
    groups = [{**DOCUMENTED, "name": f"g{i}", "content": week, "is_default": i == 0} for i in range(4)]
    with Emulator(groups=groups) as emu:
        client = dialtime.Client(emu.token, base_url=emu.base_url)
        assert client.dial_time_groups.list(emu.user_id).total == 4


def test_options_that_start_refuses() -> None:
    with pytest.raises(dialtime.ValidationError) as bad_seed:
        Emulator(groups=[DOCUMENTED, {**DOCUMENTED, "name": ""}])
    assert [p.path for p in bad_seed.value.problems] == ["groups[1].name"]
    with pytest.raises(ValueError, match="user_id"):
        Emulator(user_id="not-a-uuid")
    with pytest.raises(ValueError, match="sub_user_id"):
        Emulator(sub_users=[SUB], groups=[{**DOCUMENTED, "sub_user_id": OTHER_SUB}])
    with Emulator(groups=json.dumps([DOCUMENTED])) as emu:  # the wire JSON, as text
        client = dialtime.Client(emu.token, base_url=emu.base_url)
        assert [g.name for g in client.dial_time_groups.list(emu.user_id).data] == [DOCUMENTED["name"]]
    with Emulator(token="tok-abc", user_id="5f2b1c3d-0000-4000-8000-000000000001") as emu:
        assert (emu.token, emu.user_id) == ("tok-abc", "5f2b1c3d-0000-4000-8000-000000000001")


def test_the_log_and_faults_over_http(emulator: Emulator) -> None:
    req = urllib.request.Request(emulator.base_url + "/_emulator/faults", data=b'{"status":503}', method="POST")
    with urllib.request.urlopen(req) as r:
        fault_id = json.load(r)["id"]
    assert emulator.pending_faults == 1
    req = urllib.request.Request(emulator.base_url + f"/_emulator/faults/{fault_id}", method="DELETE")
    with urllib.request.urlopen(req):
        pass
    assert emulator.pending_faults == 0
    with urllib.request.urlopen(emulator.base_url + "/_emulator/requests") as r:
        assert json.load(r) == []


# The plugin's fixtures, as a user's test sees them (no conftest defines them).


def test_plugin_fixtures(dialtime_emulator: Emulator, dialtime_client: dialtime.Client) -> None:
    dialtime_client.dial_time_groups.create(dialtime_emulator.user_id, **DOCUMENTED)
    (sent,) = dialtime_emulator.requests
    assert sent.method == "POST" and sent.body["name"] == DOCUMENTED["name"]
    assert dialtime_client.base_url == dialtime_emulator.base_url


@pytest.mark.dialtime_emulator(groups=[DOCUMENTED], sub_users=[SUB])
def test_plugin_marker_options(dialtime_emulator: Emulator, dialtime_async_client: dialtime.AsyncClient) -> None:
    async def names() -> list[str]:
        page = await dialtime_async_client.dial_time_groups.list(dialtime_emulator.user_id)
        return [g.name for g in page.data]

    assert asyncio.run(names()) == [DOCUMENTED["name"]]
    assert dialtime_emulator.sub_users == [SUB]


def test_each_test_gets_a_fresh_emulator(dialtime_emulator: Emulator) -> None:
    assert dialtime_emulator.requests == [] and dialtime_emulator.pending_faults == 0
