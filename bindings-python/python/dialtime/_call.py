"""The asyncio future of one native call (imported by the native module on the first async
call, so ``import dialtime`` never imports asyncio).

Cancelling it (``task.cancel()``, ``asyncio.wait_for`` timing out) aborts the call's task on
dialtime's runtime at once, and with it the HTTP request: cheaper per call than a done
callback on a plain future.
"""

from __future__ import annotations

import asyncio
TYPE_CHECKING = False  # not `typing`: its import costs more than all of dialtime

if TYPE_CHECKING:
    from typing import Any, Callable, Optional


class Call(asyncio.Future):  # type: ignore[type-arg]
    __slots__ = ("_abort",)

    def __init__(self, *, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(loop=loop)
        self._abort: Optional[Callable[[], None]] = None

    def cancel(self, msg: Any = None) -> bool:
        abort, self._abort = self._abort, None
        if abort is not None:
            abort()
        return super().cancel(msg)
