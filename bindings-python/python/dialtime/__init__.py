"""dialtime: a typed, validated, fast client for the agent-api dial-time-group API.

    import dialtime

    with dialtime.Client() as client:          # DIALTIME_TOKEN, DIALTIME_BASE_URL
        group = client.dial_time_groups.create(
            "5832d184-dd53-42a0-8ace-0bf8d660f4cc",
            name="周一周三拨打",
            content=[dialtime.DaySchedule(week=1, times=[dialtime.TimeRange("08:00", "20:00")])],
            is_default=True,
            skip_holiday=False,
        )
"""

from ._exceptions import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    CalendarNotCoveredError,
    ConfigError,
    DecodeError,
    DialtimeError,
    NotFoundError,
    Problem,
    RateLimitError,
    ServerError,
    ValidationError,
)
from ._native import (
    AsyncGroupCursor,
    Calendar,
    Client,
    Day,
    DaySchedule,
    DialTimeGroup,
    DialTimeGroups,
    GroupCursor,
    Page,
    ResponseInfo,
    ResponseRecorder,
    Schedule,
    TimeRange,
    __version__,
    validate,
)
from ._async import AsyncClient, AsyncDialTimeGroups

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ._weekday import Weekday

# Exceptions show (and pickle) under their public home: `dialtime.ValidationError`.
from . import _exceptions

for _name in _exceptions.__all__:
    getattr(_exceptions, _name).__module__ = __name__
del _name



def _log_from_env() -> None:
    # DIALTIME_LOG=debug|info: the `dialtime` logger writes to stderr without any code. `os`
    # is imported by Python's startup already; `logging` only when the variable is set.
    import os

    level = os.environ.get("DIALTIME_LOG", "").strip().lower()
    if level not in ("debug", "trace", "info"):
        return
    import logging

    logger = logging.getLogger("dialtime")
    logger.setLevel(logging.INFO if level == "info" else logging.DEBUG)
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(name)s %(levelname)s: %(message)s"))
        logger.addHandler(handler)


_log_from_env()


def __getattr__(name: str) -> object:
    # `dialtime.Weekday` loads `enum` on first use, not at `import dialtime`.
    if name == "Weekday":
        from ._weekday import Weekday

        globals()["Weekday"] = Weekday
        return Weekday
    raise AttributeError(f"module 'dialtime' has no attribute {name!r}")


__all__ = [
    "Client",
    "AsyncClient",
    "DialTimeGroups",
    "AsyncDialTimeGroups",
    "DialTimeGroup",
    "Page",
    "GroupCursor",
    "AsyncGroupCursor",
    "DaySchedule",
    "TimeRange",
    "Weekday",
    "Schedule",
    "Calendar",
    "Day",
    "ResponseRecorder",
    "ResponseInfo",
    "validate",
    "Problem",
    "DialtimeError",
    "ValidationError",
    "APIError",
    "AuthenticationError",
    "NotFoundError",
    "RateLimitError",
    "ServerError",
    "APIConnectionError",
    "APITimeoutError",
    "DecodeError",
    "ConfigError",
    "CalendarNotCoveredError",
    "__version__",
]
