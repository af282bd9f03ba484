"""The shared response vectors (tests/vectors/group_responses.json), served by the emulator."""

from __future__ import annotations

import datetime

import pytest

import dialtime
from conftest import Api, vectors

RESPONSES = vectors("group_responses.json")["responses"]

CLASSES = {
    "validation": dialtime.ValidationError,
    "authentication": dialtime.AuthenticationError,
    "not_found": dialtime.NotFoundError,
    "rate_limited": dialtime.RateLimitError,
    "api": dialtime.APIError,
    "server": dialtime.ServerError,
    "decode": dialtime.DecodeError,
}


def serve(api: Api, case) -> None:
    api.emu.push_fault(
        status=case["status"],
        body=case["body"],
        retry_after=case["headers"].get("retry-after"),
    )


@pytest.mark.parametrize("case", [c for c in RESPONSES if "group" in c], ids=lambda c: c["name"])
def test_groups_are_read_tolerantly_and_written_canonically(case, api: Api):
    serve(api, case)
    group = api.create()
    assert group.to_dict() == case["group"]
    assert dialtime.DialTimeGroup.from_dict(case["group"]) == group
    china = datetime.timedelta(hours=8)
    # Aware datetimes in China time; None where the platform has no time for the group.
    for field in ("created_at", "updated_at"):
        at, wire = getattr(group, field), case["group"][field]
        if wire is None:
            assert at is None, field
        else:
            assert at is not None and at.utcoffset() == china, field
            assert at.strftime("%Y-%m-%d %H:%M:%S") == wire, field


@pytest.mark.parametrize("case", [c for c in RESPONSES if "error" in c], ids=lambda c: c["name"])
def test_errors_map_to_their_exception_class(case, api: Api):
    serve(api, case)
    expected = case["error"]
    with pytest.raises(dialtime.DialtimeError) as info:
        api.create()
    err = info.value
    assert type(err) is CLASSES[expected["kind"]], str(err)
    assert err.http_status == expected["http_status"]
    # The start of the raw body, kept for diagnosis.
    assert case["body"].startswith(err.body_excerpt.rstrip("…"))
    assert len(err.body_excerpt) >= min(len(case["body"].encode()), 512) // 4
    if isinstance(err, dialtime.APIError):
        assert err.envelope_code == expected["code"]
        assert err.api_message == expected["message"]
        assert [path for path, _ in err.problems] == expected["problems"]
    if isinstance(err, dialtime.RateLimitError):
        ms = expected["retry_after_ms"]
        assert err.retry_after == (None if ms is None else ms / 1000)
