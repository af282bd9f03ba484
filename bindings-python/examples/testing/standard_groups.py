"""The code under test: gives an account the company's standard dial time group."""

import dialtime

NAME = "工作日白天"
WORKDAYS = [dialtime.DaySchedule(week=d, times=[dialtime.TimeRange("09:00", "18:00")]) for d in range(1, 6)]


def install(client: dialtime.Client, user_id: str) -> int:
    group, _outcome = client.dial_time_groups.ensure(
        user_id, name=NAME, content=WORKDAYS, is_default=True, skip_holiday=True
    )
    return group.id


def as_payload() -> dict[str, object]:
    """The group in the platform's JSON shape (to seed an emulator with it)."""
    return {
        "name": NAME,
        "content": [{"week": d.week, "times": [{"begin_time": "09:00", "end_time": "18:00"}]} for d in WORKDAYS],
        "is_default": True,
        "skip_holiday": True,
    }
