"""The asyncio client: the sync client's surface with ``async def`` methods.

Each method is a real coroutine: nothing is sent until it is awaited, a forgotten ``await``
warns "coroutine … was never awaited" (and mypy's ``unused-coroutine`` flags it), and
``inspect.iscoroutinefunction`` holds. Underneath, ``_native._AsyncClient`` runs the call on
dialtime's runtime and resolves an asyncio future (one wake-up of the loop per call).
"""

from __future__ import annotations

TYPE_CHECKING = False  # not `typing`: its import costs more than all of dialtime

from . import _native

if TYPE_CHECKING:  # typing is not imported at run time (import cost)
    from types import TracebackType
    from typing import Any, Literal, Mapping, Optional, Sequence, Tuple, Type, Union

    from ._native import AsyncGroupCursor, DialTimeGroup, Page, _DayLike, _Outcome

__all__ = ["AsyncClient", "AsyncDialTimeGroups"]


class AsyncDialTimeGroups:
    """``AsyncClient.dial_time_groups``: the same methods as ``Client.dial_time_groups``,
    as coroutines."""

    __slots__ = ("_native",)

    def __init__(self, native: _native._AsyncDialTimeGroups) -> None:
        self._native = native

    async def create(
        self,
        user_id: str,
        *,
        name: str,
        content: Sequence[_DayLike],
        is_default: bool,
        skip_holiday: bool,
        sub_user_id: Optional[str] = None,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> DialTimeGroup:
        """Saves a dial time group for ``user_id``; validated before anything is sent."""
        return await self._native.create(
            user_id,
            name=name,
            content=content,
            is_default=is_default,
            skip_holiday=skip_holiday,
            sub_user_id=sub_user_id,
            timeout=timeout,
            deadline=deadline,
            max_retries=max_retries,
        )

    async def list(
        self,
        user_id: str,
        *,
        page: int = 1,
        sub_user_id: Optional[str] = None,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> Page:
        """One page of the user's groups (15 per page on the platform)."""
        return await self._native.list(
            user_id,
            page=page,
            sub_user_id=sub_user_id,
            timeout=timeout,
            deadline=deadline,
            max_retries=max_retries,
        )

    def list_all(
        self,
        user_id: str,
        *,
        sub_user_id: Optional[str] = None,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> AsyncGroupCursor:
        """Every group of the user, as an async iterator (``async for``), page by page."""
        return self._native.list_all(
            user_id,
            sub_user_id=sub_user_id,
            timeout=timeout,
            deadline=deadline,
            max_retries=max_retries,
        )

    async def update(
        self,
        user_id: str,
        group_id: int,
        *,
        name: str,
        content: Optional[Sequence[_DayLike]] = None,
        is_default: Optional[bool] = None,
        skip_holiday: Optional[bool] = None,
        sub_user_id: Optional[str] = None,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> DialTimeGroup:
        """Changes a group: ``name`` always, every other field only when given (not None)."""
        return await self._native.update(
            user_id,
            group_id,
            name=name,
            content=content,
            is_default=is_default,
            skip_holiday=skip_holiday,
            sub_user_id=sub_user_id,
            timeout=timeout,
            deadline=deadline,
            max_retries=max_retries,
        )

    async def delete(
        self,
        user_id: str,
        group_id: int,
        *,
        sub_user_id: Optional[str] = None,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> None:
        """Deletes a group; ``NotFoundError`` when it does not exist (in that scope)."""
        await self._native.delete(
            user_id,
            group_id,
            sub_user_id=sub_user_id,
            timeout=timeout,
            deadline=deadline,
            max_retries=max_retries,
        )

    async def ensure(
        self,
        user_id: str,
        *,
        name: str,
        content: Sequence[_DayLike],
        is_default: bool,
        skip_holiday: bool,
        sub_user_id: Optional[str] = None,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> Tuple[DialTimeGroup, _Outcome]:
        """Makes the group named ``name`` be exactly this: ``(group, "created" | "updated" |
        "unchanged")``."""
        return await self._native.ensure(
            user_id,
            name=name,
            content=content,
            is_default=is_default,
            skip_holiday=skip_holiday,
            sub_user_id=sub_user_id,
            timeout=timeout,
            deadline=deadline,
            max_retries=max_retries,
        )

    def __repr__(self) -> str:
        return "<dialtime.AsyncDialTimeGroups>"


class AsyncClient:
    """The asyncio client: one connection pool for its whole life; use it inside a running
    event loop (``async with dialtime.AsyncClient() as client: …``)."""

    __slots__ = ("_native", "_groups")

    def __init__(
        self,
        token: Optional[str] = None,
        *,
        base_url: Optional[str] = None,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
        root_certificates: Union[str, bytes, Sequence[Union[str, bytes]], None] = None,
        trust_only_root_certificates: Optional[bool] = None,
        proxy: Optional[str] = None,
        ignore_env_proxy: Optional[bool] = None,
        default_headers: Optional[Mapping[str, str]] = None,
        user_agent_suffix: Optional[str] = None,
    ) -> None:
        self._native = _native._AsyncClient(
            token,
            base_url=base_url,
            timeout=timeout,
            connect_timeout=connect_timeout,
            deadline=deadline,
            max_retries=max_retries,
            root_certificates=root_certificates,
            trust_only_root_certificates=trust_only_root_certificates,
            proxy=proxy,
            ignore_env_proxy=ignore_env_proxy,
            default_headers=default_headers,
            user_agent_suffix=user_agent_suffix,
        )
        self._groups = AsyncDialTimeGroups(self._native.dial_time_groups)

    def __reduce__(self) -> Any:
        # As Client: a copy would share the connection pool, and closing one closed both.
        raise TypeError("cannot pickle 'dialtime.AsyncClient' object")

    def with_options(
        self,
        *,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
        recorder: Optional[_native.ResponseRecorder] = None,
    ) -> AsyncClient:
        """A copy whose calls use these settings where given (seconds); cheap: it shares
        the connection pool. With a ``recorder``, each successful call's answer (status,
        request id, headers, attempts) is kept in it."""
        copy = AsyncClient.__new__(AsyncClient)
        copy._native = self._native.with_options(
            timeout=timeout, deadline=deadline, max_retries=max_retries, recorder=recorder
        )
        copy._groups = AsyncDialTimeGroups(copy._native.dial_time_groups)
        return copy

    @property
    def dial_time_groups(self) -> AsyncDialTimeGroups:
        """The dial-time-group resource."""
        return self._groups

    @property
    def base_url(self) -> str:
        """The base URL, without a trailing slash."""
        return self._native.base_url

    @property
    def timeout(self) -> float:
        """Seconds one attempt may take."""
        return self._native.timeout

    @property
    def connect_timeout(self) -> float:
        """Seconds establishing a connection may take."""
        return self._native.connect_timeout

    @property
    def deadline(self) -> Optional[float]:
        """Seconds a whole call may take (attempts, backoff, waits), when set."""
        return self._native.deadline

    @property
    def max_retries(self) -> int:
        """How often a call that is safe to retry is retried."""
        return self._native.max_retries

    async def close(self) -> None:
        """Closes this client: later calls through it raise ``ConfigError``.

        Copies made with ``with_options`` are clients of their own (close them too); the
        connection pool they share is released when the last is closed or collected.
        """
        await self._native.close()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> Literal[False]:
        await self.close()
        return False

    def __repr__(self) -> str:
        return repr(self._native).replace("dialtime._AsyncClient", "dialtime.AsyncClient")
