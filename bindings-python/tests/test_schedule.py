"""The schedule evaluator from Python: the shared vectors (tests/vectors/schedule.json), aware
datetimes in and out, the calendar, and the errors."""

from __future__ import annotations

import datetime as dt
from typing import Any, List

import pytest

import dialtime
from conftest import vectors

UTC = dt.timezone.utc


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def content(case: Any) -> List[Any]:
    if "days_content" in case:
        return case["days_content"]
    times = [{"begin_time": a, "end_time": b} for a, b in case["times"]]
    return [{"week": w, "times": times} for w in case["content"]]


def schedule(case: Any) -> dialtime.Schedule:
    return dialtime.Schedule(
        content(case),
        case["skip_holiday"],
        zone=case["zone"],
        makeup_as=case.get("makeup_as_weekday"),
        assume_no_holidays=case.get("assume_no_holidays", False),
    )


CASES = vectors("schedule.json")["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_the_shared_vectors(case: Any) -> None:
    s = schedule(case)
    for q in case.get("open", []):
        if "error" in q:
            with pytest.raises(dialtime.CalendarNotCoveredError) as caught:
                s.is_open_at(at(q["at"]))
            assert caught.value.year == q["year"] and caught.value.kind == q["error"]
        else:
            assert s.is_open_at(at(q["at"])) is q["open"], q
    for q in case.get("next", []):
        if "error" in q:
            with pytest.raises(dialtime.CalendarNotCoveredError):
                s.next_window(at(q["at"]))
            continue
        got = s.next_window(at(q["at"]))
        want = q["window"] and (at(q["window"][0]), at(q["window"][1]))
        assert got == want, q
        if got:
            assert got[0].utcoffset() is not None  # aware, at the zone's offset
        # The first instant the dialer may call: the query's own while open, else the start.
        allowed = s.next_allowed_instant(at(q["at"]))
        assert allowed == (want and max(at(q["at"]), want[0])), q
    for q in case.get("windows", []):
        got = s.windows(at(q["from"]), at(q["to"]))
        assert got == [(at(a), at(b)) for a, b in q["intervals"]], q
        assert s.open_duration(at(q["from"]), at(q["to"])) == dt.timedelta(seconds=q["open_seconds"])
    for q in case.get("days", []):
        day = s.day(dt.date.fromisoformat(q["date"]))
        assert day.status == q["status"], q
        assert day.festival == q.get("festival")
        assert [(w.begin_time, w.end_time) for w in day.windows] == [tuple(w) for w in q["windows"]]
        if "windows_of" in q:
            assert day.windows_of == q["windows_of"]
    if "summary" in case:
        assert s.summary() == case["summary"]["zh"]
        assert s.summary("en") == case["summary"]["en"]


def test_results_show_the_zones_wall_clock() -> None:
    s = dialtime.Schedule([{"week": 0, "times": [{"begin_time": "01:30", "end_time": "05:00"}]}], False, zone="America/New_York")
    first, second = s.windows(at("2026-11-01T00:00:00Z"), at("2026-11-02T00:00:00Z"))
    assert first[0].isoformat() == "2026-11-01T01:30:00-04:00"
    assert second[0].isoformat() == "2026-11-01T01:30:00-05:00"
    assert s.zone == "America/New_York"


def test_a_naive_datetime_is_refused_not_guessed() -> None:
    s = dialtime.Schedule([], False)
    with pytest.raises(ValueError, match="naive"):
        s.is_open_at(dt.datetime(2026, 10, 1, 10, 0))
    with pytest.raises(TypeError, match="datetime"):
        s.is_open_at("2026-10-01T10:00:00+08:00")  # type: ignore[arg-type]


def test_a_saved_group_gives_its_schedule(emulator: Any) -> None:
    with dialtime.Client(emulator.token, base_url=emulator.base_url) as client:
        group = client.dial_time_groups.create(
            emulator.user_id,
            name="工作日",
            content=[dialtime.DaySchedule(week=w, times=[dialtime.TimeRange("09:00", "18:00")]) for w in range(1, 6)],
            is_default=True,
            skip_holiday=True,
        )
    s = group.schedule()
    national_day = dt.datetime(2026, 10, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert not s.is_open_at(national_day)
    start, end = s.next_window(national_day)
    assert start.isoformat() == "2026-10-08T09:00:00+08:00" and end.hour == 18
    assert "法定节假日不拨打" in s.summary()


def test_bad_input_names_the_field() -> None:
    with pytest.raises(dialtime.ValidationError) as caught:
        dialtime.Schedule([{"week": 9, "times": []}], True)
    assert caught.value.problems[0].path == "content[0].week"
    with pytest.raises(dialtime.ValidationError, match="Mars/Olympus"):
        dialtime.Schedule([], True, zone="Mars/Olympus")
    with pytest.raises(dialtime.ValidationError) as caught:
        dialtime.Schedule([], True, makeup_as=9)
    assert [(p.path, p.message) for p in caught.value.problems] == [
        ("makeup_as", "must be an integer from 0 (Sunday) to 6 (Saturday), got 9")
    ]


def test_a_calendar_year_can_be_added_and_single_dates_overridden() -> None:
    calendar = dialtime.Calendar.china()
    assert calendar.years == list(range(2018, 2027)) and not calendar.covers(2027)
    calendar.load_holiday_cn(
        '{"year": 2027, "papers": [], "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}]}'
    )
    assert calendar.covers(2027) and calendar.status(dt.date(2027, 1, 1)) == "off"
    s = dialtime.Schedule(
        [{"week": 5, "times": [{"begin_time": "09:00", "end_time": "18:00"}]}], True, calendar=calendar
    )
    assert not s.is_open_at(at("2027-01-01T02:00:00Z"))  # New Year's Day, a Friday
    assert s.is_open_at(at("2027-01-08T02:00:00Z"))
    with pytest.raises(dialtime.ValidationError):
        calendar.load_holiday_cn("[{}]")
    assert dialtime.Calendar.empty().years == []


def test_a_calendar_file_is_read_within_a_limit(tmp_path: Any) -> None:
    year = tmp_path / "2027.json"
    year.write_text('{"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}]}', "utf-8")
    calendar = dialtime.Calendar.empty()
    calendar.load_holiday_cn_file(year)
    assert calendar.covers(2027)
    with pytest.raises(dialtime.ValidationError, match="larger than 8 MiB"):
        calendar.load_holiday_cn_file("/dev/zero")


def test_loading_a_calendar_another_thread_is_reading_raises_instead_of_panicking(tmp_path: Any) -> None:
    """A date whose `year` runs Python code (here: waits) keeps the calendar borrowed by its
    thread; loading into it meanwhile raised pyo3's PanicException (not an Exception)."""
    import threading

    year = tmp_path / "2030.json"
    year.write_text('{"year": 2030, "days": []}', "utf-8")
    calendar = dialtime.Calendar.empty()
    inside = threading.Event()
    leave = threading.Event()

    class SlowDate(dt.date):
        @property
        def year(self) -> int:  # type: ignore[override]
            inside.set()
            leave.wait(10)
            return super().year

    reader = threading.Thread(target=calendar.status, args=(SlowDate(2026, 10, 1),))
    reader.start()
    try:
        assert inside.wait(10)
        with pytest.raises(RuntimeError, match="borrowed"):
            calendar.load_holiday_cn_file(year)
        with pytest.raises(RuntimeError, match="borrowed"):
            calendar.load_holiday_cn('{"year": 2030, "days": []}')
    finally:
        leave.set()
        reader.join()
    calendar.load_holiday_cn_file(year)
    assert calendar.covers(2030)


def test_a_datetime_subclass_with_impossible_parts_is_refused() -> None:
    """A subclass may override utcoffset() and the fields; what they return is checked (an
    offset of 999,999,999 days overflowed the microsecond count; an hour of 300 became 0)."""

    class FarOffset(dt.datetime):
        def utcoffset(self) -> dt.timedelta:
            return dt.timedelta(days=999_999_999)

    class BadHour(dt.datetime):
        @property
        def hour(self) -> int:  # type: ignore[override]
            return 300

    s = dialtime.Schedule([], False)
    with pytest.raises(ValueError, match=r"at\.utcoffset\(\) is out of range"):
        s.is_open_at(FarOffset(2026, 10, 1, 10, 0))
    with pytest.raises(ValueError, match=r"at\.hour is out of range"):
        s.is_open_at(BadHour(2026, 10, 1, 10, 0, tzinfo=dt.timezone.utc))


def test_date_and_datetime_subclasses_reporting_impossible_parts_get_clear_errors() -> None:
    """A date subclass reporting month 300 was read as January (2026-01-01, off for New Year);
    utcoffset() returning an int raised AttributeError, a huge offset OverflowError."""

    class Month300(dt.date):
        @property
        def month(self) -> int:  # type: ignore[override]
            return 300

    class IntOffset(dt.datetime):
        def utcoffset(self) -> Any:
            return 3600

    class HugeOffset(dt.datetime):
        def utcoffset(self) -> dt.timedelta:
            class Huge(dt.timedelta):
                @property
                def days(self) -> int:  # type: ignore[override]
                    return 10**30

            return Huge(hours=1)

    s = dialtime.Schedule([], True)
    with pytest.raises(ValueError, match=r"date\.month is out of range"):
        s.day(Month300(2026, 10, 1))
    with pytest.raises(ValueError, match=r"date\.month is out of range"):
        dialtime.Calendar.china().status(Month300(2026, 10, 1))
    with pytest.raises(TypeError, match=r"utcoffset\(\) must return a datetime\.timedelta or None, got int"):
        s.is_open_at(IntOffset(2026, 10, 1, 10, 0))
    with pytest.raises(ValueError, match=r"utcoffset\(\) is out of range"):
        s.is_open_at(HugeOffset(2026, 10, 1, 10, 0))
    with pytest.raises(TypeError, match=r"must be a datetime\.date, got NoneType"):
        s.day(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"not a datetime"):
        s.day(dt.datetime(2026, 10, 1))


def test_instants_near_the_end_of_the_range_are_read_at_their_own_offset() -> None:
    """Read as UTC first, 9999-12-31T05:00+14:00 (a valid instant) overflowed."""
    s = dialtime.Schedule([{"week": w, "times": [{"begin_time": "00:00", "end_time": "24:00"}]} for w in range(7)], False)
    assert s.is_open_at(dt.datetime(9999, 12, 31, 5, tzinfo=dt.timezone(dt.timedelta(hours=14))))
    # An answer before year 1 is a clear ValueError (datetime's own named nothing).
    ny = dialtime.Schedule([{"week": w, "times": [{"begin_time": "00:00", "end_time": "24:00"}]} for w in range(7)], False, zone="America/New_York")
    with pytest.raises(ValueError, match="outside the years a datetime holds"):
        ny.windows(dt.datetime(1, 1, 1, tzinfo=UTC), dt.datetime(1, 1, 2, tzinfo=UTC))


def test_schedules_at_the_limits_of_datetime_do_not_crash() -> None:
    s = dialtime.Schedule([{"week": 1, "times": [{"begin_time": "00:00", "end_time": "24:00"}]}], False, zone="America/New_York")
    for t in (dt.datetime.min.replace(tzinfo=UTC), dt.datetime.max.replace(tzinfo=UTC)):
        # datetime.max is past the core's last instant (9999-12-30): a ValueError, not a crash;
        # a window past datetime's range cannot be shown as a datetime either.
        for query in (s.is_open_at, s.next_window):
            try:
                query(t)
            except ValueError as e:
                assert "range" in str(e)
    with pytest.raises(dialtime.ValidationError, match="3660 days") as raised:
        s.windows(dt.datetime.min.replace(tzinfo=UTC), dt.datetime(9999, 1, 1, tzinfo=UTC))
    # The range is at fault, not an argument called `to` (Python's are start and end).
    assert [p.path for p in raised.value.problems] == ["$"]


def test_calendars_copy_independently_and_schedules_copy_as_themselves() -> None:
    import copy

    calendar = dialtime.Calendar.empty()
    for copied in (copy.copy(calendar), copy.deepcopy(calendar)):
        copied.load_holiday_cn('{"year": 2031, "days": []}')
        assert copied.covers(2031) and not calendar.covers(2031)
    s = dialtime.Schedule([{"week": 1, "times": [{"begin_time": "08:00", "end_time": "09:00"}]}], False)
    assert copy.copy(s) is s and copy.deepcopy({"s": s})["s"] is s
    day = s.day(dt.date(2026, 10, 5))
    assert copy.deepcopy(day) is day


def _windows_of_2026_q4(s: "dialtime.Schedule") -> List[Any]:
    """A worker's answer (module level: multiprocessing pickles the function by name)."""
    return [(a.isoformat(), b.isoformat()) for a, b in s.windows(at("2026-09-25T00:00:00Z"), at("2026-10-15T00:00:00Z"))]


def test_schedules_and_calendars_pickle_and_answer_the_same_in_another_process() -> None:
    import concurrent.futures
    import multiprocessing
    import pickle

    calendar = dialtime.Calendar.china()
    calendar.load_holiday_cn('{"year": 2031, "papers": [], "days": []}')
    calendar.load_holiday_cn('[{"name": "调休", "date": "2026-10-10", "isOffDay": false, "asWeekday": "mon"}]')
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
        copied = pickle.loads(pickle.dumps(calendar, protocol=protocol))
        assert copied.years == calendar.years and copied.covers(2031)
        for d in (dt.date(2026, 10, 1), dt.date(2026, 10, 10), dt.date(2026, 10, 12), dt.date(2025, 1, 1)):
            assert copied.status(d) == calendar.status(d), d
        copied.load_holiday_cn('{"year": 2032, "days": []}')
        assert not calendar.covers(2032)

    # Windows that merge (08:00–09:00 + 09:00–12:00) and one saved across midnight, in New York.
    content = [
        {"week": 1, "times": [{"begin_time": "08:00", "end_time": "09:00"}, {"begin_time": "09:00", "end_time": "12:00"}]},
        {"week": 6, "times": [{"begin_time": "20:00", "end_time": "24:00"}]},
        {"week": 0, "times": [{"begin_time": "00:00", "end_time": "02:00"}]},
    ]
    schedules = [
        dialtime.Schedule(content, True, zone="America/New_York", calendar=calendar, makeup_as=1),
        dialtime.Schedule(content, False),
        dialtime.Schedule([], True, zone="Europe/Berlin", assume_no_holidays=True),
    ]
    for s in schedules:
        copied = pickle.loads(pickle.dumps(s))
        assert repr(copied) == repr(s) and copied.zone == s.zone and copied.skip_holiday == s.skip_holiday
        assert _windows_of_2026_q4(copied) == _windows_of_2026_q4(s)
        assert copied.day(dt.date(2026, 10, 10)).windows == s.day(dt.date(2026, 10, 10)).windows
        # A Day travels as its schedule and date, and says the same after the trip.
        for d in (dt.date(2026, 10, 1), dt.date(2026, 10, 10), dt.date(2026, 10, 12)):
            day = s.day(d)
            back = pickle.loads(pickle.dumps(day))
            assert back is not day and repr(back) == repr(day)
            assert (back.date, back.status, back.festival, back.windows_of, back.windows, back.intervals) == (
                day.date, day.status, day.festival, day.windows_of, day.windows, day.intervals
            )
    # The built-in calendar travels by reference, not as its data; so does the default zone
    # (the copy reads the same bundled Asia/Shanghai, not another tzdata's).
    assert len(pickle.dumps(schedules[1])) < 1000 < len(pickle.dumps(schedules[0]))
    assert schedules[1].__reduce__()[1][2] is None and schedules[0].__reduce__()[1][2] == "America/New_York"
    assert pickle.loads(pickle.dumps(schedules[1])).zone == "Asia/Shanghai"
    # A year neither covers is refused the same way after the trip (assume_no_holidays kept).
    far = at("2040-06-04T12:00:00Z")
    with pytest.raises(dialtime.CalendarNotCoveredError):
        pickle.loads(pickle.dumps(schedules[0])).is_open_at(far)
    assert pickle.loads(pickle.dumps(schedules[2])).is_open_at(far) is False

    # A worker in a fresh interpreter ("spawn": nothing inherited) gets the same answers.
    ctx = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=ctx) as pool:
        assert list(pool.map(_windows_of_2026_q4, schedules)) == [_windows_of_2026_q4(s) for s in schedules]


def test_a_days_weekdays_are_weekdays_as_a_day_schedules_week_is() -> None:
    content = [{"week": 1, "times": [{"begin_time": "08:00", "end_time": "09:00"}]}]
    day = dialtime.Schedule(content, True, makeup_as=1).day(dt.date(2026, 10, 10))
    assert day.status == "makeup_work"
    assert day.weekday is dialtime.Weekday.SATURDAY and day.windows_of is dialtime.Weekday.MONDAY
    assert day.weekday == 6 and repr(day.windows_of) == repr(dialtime.DaySchedule(1, []).week)
    assert dialtime.Schedule(content, True).day(dt.date(2026, 10, 1)).windows_of is None
