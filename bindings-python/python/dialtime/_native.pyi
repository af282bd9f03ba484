# Type stubs of the native module (bindings-python/src). tests/test_stubs.py fails when a
# public name or a signature here disagrees with the compiled module.
import datetime
import os
from types import TracebackType
from typing import (
    Any,
    AsyncIterator,
    Awaitable,
    ClassVar,
    Dict,
    Iterator,
    List,
    Literal,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Type,
    TypedDict,
    Union,
    final,
)

from typing_extensions import Self, Unpack

from ._weekday import Weekday

__version__: str

def _cli_main(argv: List[str]) -> int: ...
#: The core's error kinds as (name, number), in number order.
ERROR_KINDS: Tuple[Tuple[str, int], ...]

_JSON = Any
_DayLike = Union["DaySchedule", Mapping[str, _JSON]]
_TimeLike = Union[str, datetime.time]

@final
class TimeRange:
    def __new__(cls, begin_time: _TimeLike, end_time: _TimeLike) -> TimeRange: ...
    @property
    def begin_time(self) -> str: ...
    @property
    def end_time(self) -> str: ...
    def to_dict(self) -> Dict[str, str]: ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

@final
class DaySchedule:
    def __new__(cls, week: Union[Weekday, int], times: Sequence[TimeRange]) -> DaySchedule: ...
    @property
    def week(self) -> Weekday: ...
    @property
    def times(self) -> List[TimeRange]: ...
    def to_dict(self) -> Dict[str, _JSON]: ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

@final
class DialTimeGroup:
    @classmethod
    def from_dict(cls, data: Mapping[str, _JSON]) -> DialTimeGroup: ...
    @property
    def id(self) -> int: ...
    @property
    def user_id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def content(self) -> List[DaySchedule]: ...
    @property
    def is_default(self) -> bool: ...
    @property
    def skip_holiday(self) -> bool: ...
    @property
    def remark(self) -> Optional[str]: ...
    @property
    def created_at(self) -> Optional[datetime.datetime]: ...
    @property
    def updated_at(self) -> Optional[datetime.datetime]: ...
    def to_dict(self) -> Dict[str, _JSON]: ...
    def schedule(
        self,
        *,
        zone: Optional[str] = None,
        calendar: Optional[Calendar] = None,
        makeup_as: Optional[int] = None,
        assume_no_holidays: bool = False,
    ) -> Schedule: ...
    def __eq__(self, other: object) -> bool: ...
    # Frozen but unhashable (its content is a list): `{group}` raises TypeError.
    __hash__: ClassVar[None]  # type: ignore[assignment]

_Outcome = Literal["created", "updated", "unchanged"]
_Status = Literal["normal", "off", "makeup_work"]
_Window = Tuple[datetime.datetime, datetime.datetime]

@final
class Calendar:
    @staticmethod
    def china() -> Calendar: ...
    @staticmethod
    def empty() -> Calendar: ...
    def load_holiday_cn(self, text: str) -> None: ...
    def load_holiday_cn_file(self, path: Union[str, "os.PathLike[str]"]) -> None: ...
    def covers(self, year: int) -> bool: ...
    @property
    def years(self) -> List[int]: ...
    def status(self, date: datetime.date) -> Optional[_Status]: ...

@final
class Day:
    @property
    def date(self) -> datetime.date: ...
    @property
    def weekday(self) -> Weekday: ...
    @property
    def status(self) -> Literal["normal", "off", "makeup_work", "not_covered"]: ...
    @property
    def festival(self) -> Optional[str]: ...
    @property
    def holidays_applied(self) -> bool: ...
    @property
    def windows_of(self) -> Optional[Weekday]: ...
    @property
    def windows(self) -> List[TimeRange]: ...
    @property
    def intervals(self) -> List[_Window]: ...

@final
class Schedule:
    def __new__(
        cls,
        content: Sequence[_DayLike],
        skip_holiday: bool,
        *,
        zone: Optional[str] = None,
        calendar: Optional[Calendar] = None,
        makeup_as: Optional[int] = None,
        assume_no_holidays: bool = False,
    ) -> Schedule: ...
    def is_open_at(self, at: datetime.datetime) -> bool: ...
    def next_window(self, at: datetime.datetime) -> Optional[_Window]: ...
    def next_allowed_instant(self, at: datetime.datetime) -> Optional[datetime.datetime]: ...
    def windows(self, start: datetime.datetime, end: datetime.datetime) -> List[_Window]: ...
    def open_duration(self, start: datetime.datetime, end: datetime.datetime) -> datetime.timedelta: ...
    def day(self, date: datetime.date) -> Day: ...
    def summary(self, lang: str = "zh") -> str: ...
    @property
    def zone(self) -> Optional[str]: ...
    @property
    def skip_holiday(self) -> bool: ...

@final
class Page:
    @property
    def data(self) -> List[DialTimeGroup]: ...
    @property
    def current_page(self) -> int: ...
    @property
    def last_page(self) -> Optional[int]: ...
    @property
    def per_page(self) -> Optional[int]: ...
    @property
    def total(self) -> Optional[int]: ...
    @property
    def has_more(self) -> bool: ...
    def __len__(self) -> int: ...
    def __eq__(self, other: object) -> bool: ...
    # Frozen but unhashable (its data is a list), as DialTimeGroup.
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class GroupCursor(Iterator[DialTimeGroup]):
    def __iter__(self) -> GroupCursor: ...
    def __next__(self) -> DialTimeGroup: ...

@final
class AsyncGroupCursor(AsyncIterator[DialTimeGroup]):
    def __aiter__(self) -> AsyncGroupCursor: ...
    def __anext__(self) -> Awaitable[DialTimeGroup]: ...

@final
class DialTimeGroups:
    def create(
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
    ) -> DialTimeGroup: ...
    def list(
        self,
        user_id: str,
        *,
        page: int = 1,
        sub_user_id: Optional[str] = None,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> Page: ...
    def list_all(
        self,
        user_id: str,
        *,
        sub_user_id: Optional[str] = None,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> GroupCursor: ...
    def update(
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
    ) -> DialTimeGroup: ...
    def delete(
        self,
        user_id: str,
        group_id: int,
        *,
        sub_user_id: Optional[str] = None,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> None: ...
    def ensure(
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
    ) -> Tuple[DialTimeGroup, _Outcome]: ...

@final
class _AsyncDialTimeGroups:
    def create(
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
    ) -> Awaitable[DialTimeGroup]: ...
    def list(
        self,
        user_id: str,
        *,
        page: int = 1,
        sub_user_id: Optional[str] = None,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> Awaitable[Page]: ...
    def list_all(
        self,
        user_id: str,
        *,
        sub_user_id: Optional[str] = None,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> AsyncGroupCursor: ...
    def update(
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
    ) -> Awaitable[DialTimeGroup]: ...
    def delete(
        self,
        user_id: str,
        group_id: int,
        *,
        sub_user_id: Optional[str] = None,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> Awaitable[None]: ...
    def ensure(
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
    ) -> Awaitable[Tuple[DialTimeGroup, _Outcome]]: ...

class _BaseClient:
    """Settings shared by Client and AsyncClient."""

    @property
    def base_url(self) -> str: ...
    @property
    def timeout(self) -> float: ...
    @property
    def connect_timeout(self) -> float: ...
    @property
    def deadline(self) -> Optional[float]: ...
    @property
    def max_retries(self) -> int: ...

@final
class Client(_BaseClient):
    def __new__(
        cls,
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
    ) -> Client: ...
    def with_options(
        self,
        *,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
        recorder: Optional[ResponseRecorder] = None,
    ) -> Client: ...
    @property
    def dial_time_groups(self) -> DialTimeGroups: ...
    def close(self) -> None: ...
    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        *_exc: Union[Optional[Type[BaseException]], Optional[BaseException], Optional[TracebackType]],
    ) -> Literal[False]: ...

@final
class _AsyncClient(_BaseClient):
    def __new__(
        cls,
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
    ) -> _AsyncClient: ...
    def with_options(
        self,
        *,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
        max_retries: Optional[int] = None,
        recorder: Optional[ResponseRecorder] = None,
    ) -> _AsyncClient: ...
    @property
    def dial_time_groups(self) -> _AsyncDialTimeGroups: ...
    def close(self) -> Awaitable[None]: ...

@final
class ResponseInfo:
    @property
    def http_status(self) -> int: ...
    @property
    def request_id(self) -> Optional[str]: ...
    @property
    def headers(self) -> Dict[str, str]: ...
    @property
    def attempts(self) -> int: ...
    @property
    def elapsed(self) -> float: ...
    @property
    def method(self) -> str: ...
    @property
    def path(self) -> str: ...

@final
class ResponseRecorder:
    def __new__(cls) -> ResponseRecorder: ...
    @property
    def last(self) -> Optional[ResponseInfo]: ...
    def take(self) -> Optional[ResponseInfo]: ...

class _Fault(TypedDict, total=False):
    # The emulator's fault fields (its wire format, as in tests/vectors/faults.json).
    status: int
    code: int
    message: str
    body: str
    retry_after: str
    delay_ms: int
    drop: bool
    content_type: str
    pad_to_bytes: int
    truncate: bool
    headers: Dict[str, str]
    method: str
    times: int

@final
class RecordedRequest:
    @property
    def method(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def query(self) -> Dict[str, str]: ...
    @property
    def headers(self) -> Dict[str, str]: ...
    @property
    def authorized(self) -> bool: ...
    @property
    def body(self) -> _JSON: ...
    @property
    def body_text(self) -> Optional[str]: ...
    @property
    def time(self) -> datetime.datetime: ...
    @property
    def request_id(self) -> str: ...
    def to_dict(self) -> Dict[str, _JSON]: ...

@final
class ScopedFault:
    @property
    def id(self) -> int: ...
    def remove(self) -> bool: ...
    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        *_exc: Union[Optional[Type[BaseException]], Optional[BaseException], Optional[TracebackType]],
    ) -> Literal[False]: ...

@final
class Emulator:
    def __new__(
        cls,
        *,
        port: int = 0,
        token: Optional[str] = None,
        user_id: Optional[str] = None,
        sub_users: Optional[Sequence[str]] = None,
        groups: Union[Sequence[Mapping[str, _JSON]], str, None] = None,
        request_log_limit: Optional[int] = None,
        tls: bool = False,
    ) -> Emulator: ...
    @property
    def base_url(self) -> str: ...
    @property
    def token(self) -> str: ...
    @property
    def user_id(self) -> str: ...
    @property
    def sub_users(self) -> Optional[List[str]]: ...
    @property
    def ca_pem(self) -> Optional[str]: ...
    @property
    def request_count(self) -> int: ...
    @property
    def requests(self) -> List[RecordedRequest]: ...
    @property
    def last_request(self) -> Optional[RecordedRequest]: ...
    def clear_requests(self) -> None: ...
    @property
    def pending_faults(self) -> int: ...
    def push_fault(self, **fault: Unpack[_Fault]) -> int: ...
    def fault(self, **fault: Unpack[_Fault]) -> ScopedFault: ...
    def remove_fault(self, id: int) -> bool: ...
    def clear_faults(self) -> None: ...
    def stop(self) -> None: ...
    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        *_exc: Union[Optional[Type[BaseException]], Optional[BaseException], Optional[TracebackType]],
    ) -> Literal[False]: ...

def validate(payload: Mapping[str, _JSON]) -> None: ...
def _panic_for_tests(place: str) -> Awaitable[None]: ...
