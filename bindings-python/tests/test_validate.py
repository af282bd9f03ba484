"""The shared payload vectors (tests/vectors/new_group.json), as Rust, Node and C read them."""

from __future__ import annotations

import pytest

import dialtime
from conftest import Api, vectors

NEW_GROUP = vectors("new_group.json")
CREATE_KEYS = {"name", "content", "is_default", "skip_holiday", "sub_user_id"}


@pytest.mark.parametrize("case", NEW_GROUP["valid"], ids=lambda c: c["name"])
def test_valid_payloads_pass(case):
    assert dialtime.validate(case["payload"]) is None


@pytest.mark.parametrize("case", NEW_GROUP["valid"], ids=lambda c: c["name"])
def test_valid_payloads_are_saved_in_canonical_form(case, api: Api):
    saved = api.create(**case["payload"]).to_dict()
    wire = case["wire"]
    for key in ("name", "content", "is_default", "skip_holiday"):
        assert saved[key] == wire[key], key
    assert saved["user_id"] == api.emu.user_id


@pytest.mark.parametrize("case", NEW_GROUP["invalid"], ids=lambda c: c["name"])
def test_invalid_payloads_list_every_problem_path(case):
    with pytest.raises(dialtime.ValidationError) as info:
        dialtime.validate(case["payload"])
    assert [path for path, _ in info.value.problems] == case["problems"]
    assert all(message for _, message in info.value.problems)
    assert isinstance(info.value, ValueError)


def creatable(case) -> bool:
    p = case["payload"]
    return isinstance(p, dict) and set(p) <= CREATE_KEYS and CREATE_KEYS - {"sub_user_id"} <= set(p)


@pytest.mark.parametrize(
    "case", [c for c in NEW_GROUP["invalid"] if creatable(c)], ids=lambda c: c["name"]
)
def test_invalid_payloads_are_refused_before_sending(case, api: Api):
    before = api.emu.request_count
    with pytest.raises(dialtime.ValidationError) as info:
        api.create(**case["payload"])
    assert [path for path, _ in info.value.problems] == case["problems"]
    assert api.emu.request_count == before


def test_typed_and_dict_content_are_checked_alike():
    typed = [
        dialtime.DaySchedule(week=1, times=[dialtime.TimeRange("09:00", "12:00")]),
        dialtime.DaySchedule(week=1, times=[dialtime.TimeRange("13:00", "12:30")]),
    ]
    payload = {"name": "x", "content": typed, "is_default": False, "skip_holiday": False}
    with pytest.raises(dialtime.ValidationError) as typed_error:
        dialtime.validate(payload)
    payload["content"] = [day.to_dict() for day in typed]
    with pytest.raises(dialtime.ValidationError) as dict_error:
        dialtime.validate(payload)
    assert typed_error.value.problems == dict_error.value.problems
    assert [p for p, _ in typed_error.value.problems] == ["content[1].week", "content[1].times[0].end_time"]


def test_values_that_are_not_json_name_their_path():
    payload = {"name": object(), "content": [], "is_default": False, "skip_holiday": False}
    with pytest.raises(dialtime.ValidationError) as info:
        dialtime.validate(payload)
    assert info.value.problems[0][0] == "name"
    assert "object" in info.value.problems[0][1]


def test_non_finite_numbers_are_refused():
    payload = {"name": "x", "content": [{"week": float("nan"), "times": []}], "is_default": False, "skip_holiday": False}
    with pytest.raises(dialtime.ValidationError) as info:
        dialtime.validate(payload)
    assert info.value.problems[0][0] == "content[0].week"
