"""TimeRange, DaySchedule and DialTimeGroup: read-only, comparable, readable, picklable."""

from __future__ import annotations

import copy
import datetime
import pickle

import pytest

import dialtime
from conftest import DOCUMENTED, Api


def test_time_range():
    r = dialtime.TimeRange("8:00", "20:30")
    assert (r.begin_time, r.end_time) == ("08:00", "20:30")
    assert r.to_dict() == {"begin_time": "08:00", "end_time": "20:30"}
    assert r == dialtime.TimeRange("08:00", "20:30")
    assert r != dialtime.TimeRange("08:00", "21:00")
    assert hash(r) == hash(dialtime.TimeRange("08:00", "20:30"))
    assert repr(r) == "TimeRange('08:00', '20:30')"
    assert dialtime.TimeRange("00:00", "24:00").end_time == "24:00"


def test_time_range_rejects_bad_times_naming_both_fields():
    with pytest.raises(dialtime.ValidationError) as info:
        dialtime.TimeRange("25:00", "8h")
    assert [p for p, _ in info.value.problems] == ["begin_time", "end_time"]


def test_models_are_read_only():
    r = dialtime.TimeRange("08:00", "09:00")
    with pytest.raises(AttributeError):
        r.begin_time = "07:00"  # type: ignore[misc]


def test_day_schedule():
    day = dialtime.DaySchedule(week=1, times=[dialtime.TimeRange("08:00", "20:00")])
    assert day.week == 1
    assert day.times == [dialtime.TimeRange("08:00", "20:00")]
    assert day.to_dict() == {"week": 1, "times": [{"begin_time": "08:00", "end_time": "20:00"}]}
    assert repr(day) == "DaySchedule(week=1, times=[TimeRange('08:00', '20:00')])"
    assert {day, copy.copy(day)} == {day}


@pytest.mark.parametrize("week", [-1, 7, 99])
def test_day_schedule_rejects_a_weekday_out_of_range(week):
    with pytest.raises(dialtime.ValidationError) as info:
        dialtime.DaySchedule(week=week, times=[])
    assert info.value.problems[0][0] == "week"
    assert str(week) in info.value.problems[0][1]


@pytest.mark.parametrize(
    "obj",
    [
        dialtime.TimeRange("08:00", "20:00"),
        dialtime.DaySchedule(week=0, times=[dialtime.TimeRange("08:00", "20:00")]),
    ],
)
def test_small_models_pickle(obj):
    assert pickle.loads(pickle.dumps(obj)) == obj


def test_saved_group(api: Api):
    g = api.create(sub_user_id=None)
    assert g.id >= 1
    assert g.user_id == api.emu.user_id
    assert g.name == DOCUMENTED["name"]
    assert [d.to_dict() for d in g.content] == DOCUMENTED["content"]
    assert g.is_default is True and g.skip_holiday is True
    assert g.remark is None
    for stamp in (g.created_at, g.updated_at):
        assert isinstance(stamp, datetime.datetime)
        assert stamp.utcoffset() == datetime.timedelta(hours=8)
        assert "Shanghai" in str(stamp.tzinfo) or str(stamp.tzinfo) == "UTC+08:00"
        now = datetime.datetime.now(datetime.timezone.utc)
        assert abs(now - stamp) < datetime.timedelta(minutes=5)
    assert g.to_dict()["created_at"] == g.created_at.strftime("%Y-%m-%d %H:%M:%S")
    assert pickle.loads(pickle.dumps(g)) == g
    assert dialtime.DialTimeGroup.from_dict(g.to_dict()) == g
    text = repr(g)
    assert text.startswith(f"DialTimeGroup(id={g.id}, name='周一周三拨打'")
    assert "DaySchedule(week=3" in text


def test_pages_compare_by_value_and_pickle(api: Api):
    # A page could be neither deep-copied nor pickled (a cache, a multiprocessing result).
    api.create()
    api.create(is_default=False, name="second")
    with dialtime.Client(api.emu.token, base_url=api.emu.base_url) as client:
        page = client.dial_time_groups.list(api.emu.user_id)
        again = client.dial_time_groups.list(api.emu.user_id)
    assert len(page) == 2 and page == again
    for back in (pickle.loads(pickle.dumps(page)), copy.deepcopy(page)):
        assert back == page and back is not page
        assert back.data == page.data
        assert (back.current_page, back.last_page, back.per_page, back.total, back.has_more) == (
            page.current_page, page.last_page, page.per_page, page.total, page.has_more)
        assert repr(back) == repr(page)
    assert page != pickle.loads(pickle.dumps(page)).__reduce__()[0](
        page.data[:1], page.current_page, page.last_page, page.per_page, page.total, page.has_more)
    with pytest.raises(TypeError):
        hash(page)


def test_groups_compare_by_value(api: Api):
    a = api.create()
    b = api.create()
    assert a != b
    assert a == dialtime.DialTimeGroup.from_dict(a.to_dict())


def test_from_dict_reports_the_shape_problem():
    with pytest.raises(dialtime.ValidationError):
        dialtime.DialTimeGroup.from_dict({"id": 1})


def test_from_dict_names_the_field_of_a_problem():
    # Every problem was at `$`, and a date that does not exist read as a wrong form.
    wire = {
        "id": 1,
        "name": "n",
        "user_id": "4d99d91c-f5d9-49da-88da-758977cc58a9",
        "content": [{"week": 1, "times": [{"begin_time": "09:00", "end_time": "18:00"}]}],
        "is_default": True,
        "skip_holiday": False,
        "created_at": "2022-01-14 15:22:22",
        "updated_at": "2022-01-18 16:27:26",
    }
    for field, bad, path in [
        ("created_at", "2026-02-30 10:00:00", "created_at"),
        ("updated_at", "0000-13-01 00:00:00", "updated_at"),
        ("id", 2**70, "id"),
        ("content", [{"week": 1, "times": [{"begin_time": [], "end_time": "18:00"}]}], "content[0].times[0].begin_time"),
    ]:
        with pytest.raises(dialtime.ValidationError) as caught:
            dialtime.DialTimeGroup.from_dict({**wire, field: bad})
        assert [p.path for p in caught.value.problems] == [path], caught.value
    with pytest.raises(dialtime.ValidationError) as caught:
        dialtime.DialTimeGroup.from_dict({**wire, "created_at": "2026-02-30 10:00:00"})
    assert "of a date and time that exist" in str(caught.value)


def test_typed_content_is_saved(api: Api):
    content = [
        dialtime.DaySchedule(week=6, times=[dialtime.TimeRange("10:00", "11:00")]),
        {"week": 0, "times": [{"begin_time": "10:00", "end_time": "11:00"}]},
    ]
    g = api.create(content=content)
    assert g.content[0] == content[0]
    assert g.content[1].to_dict() == content[1]


def test_a_time_before_year_1_is_no_time() -> None:
    """The platform may send year 0 or -1 (MySQL's zero date as PHP writes it), which a
    datetime cannot hold: the getter raised; no record was saved then, so it is none."""
    wire = {
        "id": 1,
        "name": "old",
        "user_id": "u",
        "content": [{"week": 1, "times": [{"begin_time": "09:00", "end_time": "18:00"}]}],
        "is_default": False,
        "skip_holiday": False,
        "remark": None,
        "created_at": "0000-06-01 12:00:00",
        "updated_at": "2026-01-01 00:00:00",
    }
    g = dialtime.DialTimeGroup.from_dict(wire)
    assert g.created_at is None and g.to_dict()["created_at"] is None
    assert g.updated_at is not None and g.updated_at.year == 2026
    # Year 1 itself is a time (a datetime holds it).
    g = dialtime.DialTimeGroup.from_dict({**wire, "created_at": "0001-01-01 00:00:00"})
    assert g.created_at is not None and g.created_at.year == 1


def test_a_group_without_timestamps_reads_them_as_none() -> None:
    """A record written without timestamps (a seeded default group: null, absent, empty or
    MySQL's zero date) failed the whole answer, a page of a list with it too."""
    wire = {
        "id": 1,
        "name": "系统默认",
        "user_id": "u",
        "content": [],
        "is_default": True,
        "skip_holiday": False,
        "remark": None,
    }
    for created, updated in [(None, None), ("0000-00-00 00:00:00", ""), ("", "2026-01-01 00:00:00")]:
        g = dialtime.DialTimeGroup.from_dict({**wire, "created_at": created, "updated_at": updated})
        assert g.created_at is None
        assert "created_at=None" in repr(g)
        assert g.to_dict()["created_at"] is None
        assert dialtime.DialTimeGroup.from_dict(g.to_dict()) == g
    assert g.updated_at is not None and g.updated_at.year == 2026
    assert dialtime.DialTimeGroup.from_dict(wire).updated_at is None
