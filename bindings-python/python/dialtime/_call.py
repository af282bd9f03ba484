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
    # No `__init__` of its own: asyncio's C constructor runs alone, and the native side sets
    # `_abort` right after (before any other code can see the future).
    __slots__ = ("_abort",)

    if TYPE_CHECKING:
        _abort: Optional[Callable[[], None]]

    def cancel(self, msg: Any = None) -> bool:
        abort = getattr(self, "_abort", None)
        self._abort = None
        if abort is not None:
            abort()
        return super().cancel(msg)
