"""The exceptions dialtime raises. Every one is a :class:`DialtimeError` and pickles.

Each class names the core error kind it stands for (``kind``, e.g. ``"rate_limited"``); the
native module picks the class by that name (``bindings-python/src/error.rs``), and
``tests/test_errors.py`` checks that every kind of the core (``_native.ERROR_KINDS``) has one.
``str(exc)`` is the core's message, never with the token. The attribute names are those of
README "Names across languages": ``kind``, ``http_status``, ``envelope_code``, ``api_message``,
``problems``, ``body_excerpt``, ``retry_after``; and what the call did: ``method``, ``path``,
``attempts``, ``elapsed``, ``deadline_passed``, ``request_id``, ``headers``,
``may_have_been_applied``.
"""

from __future__ import annotations

# `typing` is not imported at run time (import cost): annotations are strings, and mypy
# treats any `TYPE_CHECKING` as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar, Dict, List, Optional, Sequence, Tuple, Type

__all__ = [
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
]


if TYPE_CHECKING:

    # What the class below is: a `(path, message)` tuple with those names. Not a NamedTuple
    # (`_asdict`, `_replace`, `_fields` do not exist at run time: mypy accepted calls to them).
    class Problem(Tuple[str, str]):
        """One problem: where (``content[1].times[0].end_time``), and which rule it breaks."""

        def __new__(cls, path: str, message: str) -> Problem:
            return tuple.__new__(cls, (path, message))

        @property
        def path(self) -> str:
            return self[0]

        @property
        def message(self) -> str:
            return self[1]

else:

    class Problem(tuple):
        """One problem: where (``content[1].times[0].end_time``), and which rule it breaks.
        A ``(path, message)`` tuple with those two names."""

        __slots__ = ()

        def __new__(cls, path, message):
            return tuple.__new__(cls, (path, message))

        path = property(lambda self: self[0], doc="Where: the payload path.")
        message = property(lambda self: self[1], doc="Which rule, and what was given.")

        def __repr__(self):
            return f"Problem(path={self[0]!r}, message={self[1]!r})"

        def __getnewargs__(self):
            return tuple(self)


class DialtimeError(Exception):
    """Base class of every dialtime error (and, alone, of a bug caught at the boundary:
    ``kind == "internal"``)."""

    kind: ClassVar[str] = "internal"

    def __init__(
        self,
        text: str = "",
        *,
        problems: Sequence[Tuple[str, str]] = (),
        http_status: Optional[int] = None,
        envelope_code: Optional[int] = None,
        api_message: Optional[str] = None,
        body_excerpt: Optional[str] = None,
        retry_after: Optional[float] = None,
        method: Optional[str] = None,
        path: Optional[str] = None,
        attempts: Optional[int] = None,
        elapsed: Optional[float] = None,
        deadline_passed: bool = False,
        may_have_been_applied: bool = False,
        request_id: Optional[str] = None,
        headers: Optional[Dict[str, str]] = None,
        year: Optional[int] = None,
    ) -> None:
        super().__init__(text)
        #: Every problem, in payload order (client-side rules, or the server's field errors).
        self.problems: List[Problem] = [Problem(str(p), str(m)) for p, m in problems]
        #: The HTTP status of the answer, when there was one.
        self.http_status = http_status
        #: The envelope's ``code``, when the answer had one.
        self.envelope_code = envelope_code
        #: The platform's own message, when it answered.
        self.api_message = api_message
        #: The start of the raw answer (never with the token), when there was one.
        self.body_excerpt = body_excerpt
        #: Seconds the server asked to wait (``Retry-After``), for a 429 or a 5xx that said.
        self.retry_after = retry_after
        #: The HTTP method of the call (``"GET"``, …), for errors of a call.
        self.method = method
        #: The URL path called, ids included, never the query.
        self.path = path
        #: How many attempts were made (1 without retries).
        self.attempts = attempts
        #: Seconds from the start of the call to the error, waits included.
        self.elapsed = elapsed
        #: The deadline ended the call (an attempt cut short, or a retry not started).
        self.deadline_passed = deadline_passed
        #: A failed write may still have been made: an attempt got no answer (a timeout, a
        #: connection lost after sending), a gateway's 502/504 or a 2xx that could not be
        #: read. Before sending it again (``create`` is not retried once it may have reached
        #: the server), list to see whether it was. False for reads and errors not of a call.
        self.may_have_been_applied = may_have_been_applied
        #: The request id of the platform's last answer, when it sent one.
        self.request_id = request_id
        #: The error answer's headers (lower-case names), when there was one.
        self.headers: Dict[str, str] = dict(headers or {})
        #: The year a schedule query needed and the holiday calendar does not cover.
        self.year = year

    @property
    def message(self) -> str:
        """The full text (as ``str(exc)``)."""
        return str(self.args[0]) if self.args else ""

    def __reduce__(self) -> Tuple[Any, Tuple[Any, ...], Dict[str, Any]]:
        # (class, (text,), attributes): the keyword-only attributes survive pickling.
        return (type(self), self.args[:1], self.__dict__)


class ValidationError(DialtimeError, ValueError):
    """The payload breaks the platform's rules; nothing was sent. ``problems`` lists every
    problem as ``Problem(path, message)``, e.g.
    ``Problem("content[1].times[0].end_time", "must be later than begin_time …")``."""

    kind = "validation"


class APIError(DialtimeError):
    """The platform answered with an error (a 422, another 4xx, an error envelope in a 200)."""

    kind = "api"


class AuthenticationError(APIError):
    """401 or 403: the token is missing, wrong, expired or lacks access to the user."""

    kind = "authentication"


class NotFoundError(APIError):
    """404: the route, user or group does not exist."""

    kind = "not_found"


class RateLimitError(APIError):
    """429, after the client's own retries. ``retry_after`` is in seconds, when sent."""

    kind = "rate_limited"


class ServerError(APIError):
    """5xx: the platform failed."""

    kind = "server"


class APIConnectionError(DialtimeError, ConnectionError):
    """The connection could not be made, or broke before an answer arrived."""

    kind = "connection"


class APITimeoutError(APIConnectionError, TimeoutError):
    """No complete answer within the client's timeout."""

    kind = "timeout"


class DecodeError(DialtimeError):
    """The answer was not the documented shape. ``body_excerpt`` is its start."""

    kind = "decode"


class ConfigError(DialtimeError):
    """The client is misconfigured or misused (no token, bad base URL, closed client, …)."""

    kind = "config"


class CalendarNotCoveredError(DialtimeError, LookupError):
    """A schedule query with ``skip_holiday`` touched a year the holiday calendar does not
    cover (``year``): holidays are never guessed. Load that year's notice
    (``Calendar.load_holiday_cn``) or build the schedule with ``assume_no_holidays=True``."""

    kind = "calendar_not_covered"


def _classes() -> List[Type[DialtimeError]]:
    out: List[Type[DialtimeError]] = []
    todo: List[Type[DialtimeError]] = [DialtimeError]
    while todo:
        cls = todo.pop()
        out.append(cls)
        todo.extend(cls.__subclasses__())
    return out


# Read by the native module (error.rs) to pick the class of an exception it makes.
_BY_KIND: Dict[str, Type[DialtimeError]] = {cls.kind: cls for cls in _classes()}


def _class_of(kind: str) -> Type[DialtimeError]:
    """The class standing for a core kind (the native module reads ``_BY_KIND`` itself)."""
    return _BY_KIND.get(kind, DialtimeError)
