"""The names of README "Names across languages", on real errors and models from the emulator,
and every core error kind mapped to a class."""

from __future__ import annotations

import datetime

import pytest

import dialtime
from dialtime import _exceptions, _native
from conftest import DOCUMENTED, Api


def test_every_core_kind_has_its_class():
    kinds = dict(_native.ERROR_KINDS)
    # The C statuses: 1–10, then 13 (11 and 12 are the C ABI's own: a bad argument, a panic).
    assert sorted(kinds.values()) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13]
    for name in kinds:
        cls = _exceptions._class_of(name)
        assert cls is not dialtime.DialtimeError, name
        assert cls.kind == name and issubclass(cls, dialtime.DialtimeError)
    classes = {c.kind for c in _exceptions._classes()}
    assert classes == set(kinds) | {"internal"}


def test_an_api_error_carries_every_concept(api: Api):
    api.emu.push_fault(status=429, code=42901, message="慢一点", retry_after="2")
    with pytest.raises(dialtime.RateLimitError) as caught:
        api.create()
    e = caught.value
    assert e.kind == "rate_limited"
    assert e.http_status == 429
    assert e.envelope_code == 42901
    assert e.api_message == "慢一点"
    assert e.message == str(e) and "慢一点" in e.message
    assert e.problems == []
    assert '"code":42901' in (e.body_excerpt or "")
    assert e.retry_after == 2.0
    assert e.may_have_been_applied is False


@pytest.mark.parametrize(("status", "maybe"), [(504, True), (502, True), (503, False)])
def test_a_failed_write_says_whether_it_may_have_been_made(api: Api, status, maybe):
    # A create is never retried: a gateway's 502/504 may follow the work done upstream.
    api.emu.push_fault(status=status)
    with pytest.raises(dialtime.ServerError) as caught:
        api.create()
    assert caught.value.http_status == status
    assert caught.value.may_have_been_applied is maybe
    assert dialtime.ServerError("x").may_have_been_applied is False


def test_a_validation_error_carries_problems_as_named_tuples(api: Api):
    with pytest.raises(dialtime.ValidationError) as caught:
        api.create(name=" ", content=[])
    e = caught.value
    assert e.kind == "validation"
    assert [p.path for p in e.problems] == ["name", "content"]
    assert all(isinstance(p, dialtime.Problem) and p.message for p in e.problems)
    assert (e.http_status, e.envelope_code, e.api_message, e.body_excerpt, e.retry_after) == (None,) * 5


def test_a_decode_error_has_the_body_excerpt(api: Api):
    api.emu.push_fault(status=200, body="<html>")
    with pytest.raises(dialtime.DecodeError) as caught:
        api.create()
    assert (caught.value.kind, caught.value.http_status, caught.value.body_excerpt) == ("decode", 200, "<html>")


def test_weekday_uses_the_platforms_numbers():
    assert dialtime.Weekday.SUNDAY == 0 and dialtime.Weekday.SATURDAY == 6
    assert dialtime.Weekday.of(datetime.date(2026, 10, 1)) is dialtime.Weekday.THURSDAY
    assert dialtime.Weekday.of(datetime.date(2026, 10, 4)) is dialtime.Weekday.SUNDAY
    day = dialtime.DaySchedule(dialtime.Weekday.MONDAY, [dialtime.TimeRange("08:00", "20:00")])
    assert day.week is dialtime.Weekday.MONDAY and day.week == 1
    assert dialtime.DaySchedule(3, []).week is dialtime.Weekday.WEDNESDAY


def test_time_inputs_accept_datetime_time_and_whole_minute_seconds():
    r = dialtime.TimeRange(datetime.time(8, 0), datetime.time(20, 30))
    assert (r.begin_time, r.end_time) == ("08:00", "20:30")
    assert dialtime.TimeRange("08:00:00", "9:30:00").end_time == "09:30"
    with pytest.raises(dialtime.ValidationError) as caught:
        dialtime.TimeRange(datetime.time(8, 0, 30), datetime.time(9, 0, tzinfo=datetime.timezone.utc))
    assert [p.path for p in caught.value.problems] == ["begin_time", "end_time"]
    payload = {**DOCUMENTED, "content": [{"week": 1, "times": [{"begin_time": datetime.time(9), "end_time": "10:00"}]}]}
    dialtime.validate(payload)


def test_timestamps_are_aware_and_to_dict_keeps_the_wire_form(api: Api):
    g = api.create()
    assert g.created_at.tzinfo is not None
    assert g.created_at.utcoffset() == datetime.timedelta(hours=8)
    now = datetime.datetime.now(datetime.timezone.utc)
    assert abs((now - g.created_at).total_seconds()) < 60
    wire = g.to_dict()["created_at"]
    assert len(wire) == 19 and "T" not in wire and "+" not in wire
    assert "+08:00" in repr(g)
