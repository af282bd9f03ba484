"""The exceptions dialtime raises. Every one is a :class:`DialtimeError` and pickles.

The native module maps the core's error kinds onto these classes in one place
(``bindings-python/src/error.rs``); ``str(exc)`` is the core's message, never with the token.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

__all__ = [
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
]

Problems = List[Tuple[str, str]]


class DialtimeError(Exception):
    """Base class of every dialtime error."""

    def __init__(self, text: str = "") -> None:
        super().__init__(text)

    def __reduce__(self) -> Tuple[Any, Tuple[Any, ...], Dict[str, Any]]:
        # (class, (text,), attributes): the keyword-only attributes survive pickling.
        return (type(self), self.args[:1], self.__dict__)


class ValidationError(DialtimeError, ValueError):
    """The payload breaks the platform's rules; nothing was sent.

    ``errors`` lists every problem as ``(path, message)``, e.g.
    ``("content[1].times[0].end_time", "must be after begin_time …")``.
    """

    def __init__(self, text: str = "", *, errors: Sequence[Tuple[str, str]] = ()) -> None:
        super().__init__(text)
        self.errors: Problems = [(str(p), str(m)) for p, m in errors]


class APIError(DialtimeError):
    """The platform answered with an error.

    ``status_code`` is the HTTP status, ``code`` the envelope's code (when present),
    ``message`` the platform's own message, ``body`` the start of the raw answer and
    ``errors`` the field errors it listed, as ``(path, message)``.
    """

    def __init__(
        self,
        text: str = "",
        *,
        status_code: int = 0,
        code: Optional[int] = None,
        message: str = "",
        body: str = "",
        errors: Sequence[Tuple[str, str]] = (),
    ) -> None:
        super().__init__(text)
        self.status_code = status_code
        self.code = code
        self.message = message
        self.body = body
        self.errors: Problems = [(str(p), str(m)) for p, m in errors]


class AuthenticationError(APIError):
    """401 or 403: the token is missing, wrong, expired or lacks access to the user."""


class NotFoundError(APIError):
    """404: the route, user or group does not exist."""


class RateLimitError(APIError):
    """429, after the client's own retries. ``retry_after`` is in seconds, when sent."""

    def __init__(
        self,
        text: str = "",
        *,
        retry_after: Optional[float] = None,
        status_code: int = 429,
        code: Optional[int] = None,
        message: str = "",
        body: str = "",
        errors: Sequence[Tuple[str, str]] = (),
    ) -> None:
        super().__init__(
            text, status_code=status_code, code=code, message=message, body=body, errors=errors
        )
        self.retry_after = retry_after


class ServerError(APIError):
    """5xx: the platform failed."""


class APIConnectionError(DialtimeError, ConnectionError):
    """The connection could not be made, or broke before an answer arrived."""


class APITimeoutError(APIConnectionError, TimeoutError):
    """No complete answer within the client's timeout."""


class DecodeError(DialtimeError):
    """The answer was not the documented shape. ``body`` is its start."""

    def __init__(self, text: str = "", *, status_code: int = 0, body: str = "") -> None:
        super().__init__(text)
        self.status_code = status_code
        self.body = body


class ConfigError(DialtimeError):
    """The client is misconfigured or misused (no token, bad base URL, closed client, …)."""
