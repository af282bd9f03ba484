"""Weekdays as the platform numbers them: 0 = Sunday … 6 = Saturday (unlike
``datetime.date.weekday()``, where 0 is Monday). Plain integers are accepted wherever a
``Weekday`` is."""

from __future__ import annotations

import enum
TYPE_CHECKING = False  # not `typing`: its import costs more than all of dialtime

if TYPE_CHECKING:
    import datetime

__all__ = ["Weekday"]


class Weekday(enum.IntEnum):
    """A day of the week, numbered as the platform numbers it (``content[i].week``)."""

    SUNDAY = 0
    MONDAY = 1
    TUESDAY = 2
    WEDNESDAY = 3
    THURSDAY = 4
    FRIDAY = 5
    SATURDAY = 6

    @classmethod
    def of(cls, day: datetime.date) -> Weekday:
        """The weekday of a date (``Weekday.of(date(2026, 10, 1)) is Weekday.THURSDAY``)."""
        return cls((day.weekday() + 1) % 7)
