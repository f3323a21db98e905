"""Handing freed memory back to the system after documents close and after bursts (glibc only).

Closing documents frees their syntax trees and results, but glibc keeps the freed pages
of its heaps mapped. Once the closes have stopped for a moment, `malloc_trim(0)` returns
the whole free pages among them. Python's own small-object arenas are not affected: an
arena goes back only when every object in it is gone, which is why the resident size after
a burst of edits stays above the idle figure even though nothing is retained
(docs/reliability.md, "Load").

The same release follows the server's start-up (once its garbage is collected) and the
jedi helper's priming (parsing the open documents and jedi's stubs frees as much as it
keeps): both are bursts after which the process mostly waits.
"""

from __future__ import annotations

import gc
import sys
from functools import lru_cache
from typing import TYPE_CHECKING, Callable, Optional

if TYPE_CHECKING:
    import asyncio

DELAY_S = 1.0  # quiet time after the last close before trimming


def _load_trim() -> Optional[Callable[[int], int]]:
    """libc's `malloc_trim`, looked up on first use: ctypes and the library search cost every start ~5 ms."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim  # glibc only (musl has none)
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


@lru_cache(maxsize=1)
def _trim_function() -> Optional[Callable[[int], int]]:
    """The C function, looked up on first use (the same for every server of the process), or None."""
    return _load_trim()


def available() -> bool:
    return _trim_function() is not None


def release() -> bool:
    """Return free heap pages to the system now; whether anything was released."""
    trim = _trim_function()
    return bool(trim(0)) if trim is not None else False


class MemoryRelease:
    """One server's pending release: once its closes have stopped for a moment."""

    def __init__(self) -> None:
        self._pending: Optional[asyncio.TimerHandle] = None

    def soon(self, delay: Optional[float] = None) -> None:
        """Release once no further call has come for `delay` seconds (closes come in bursts)."""
        if _trim_function() is None:
            return
        import asyncio  # here: the helper processes release memory too, without an event loop

        if self._pending is not None:
            self._pending.cancel()
        self._pending = asyncio.get_running_loop().call_later(DELAY_S if delay is None else delay, self._release)

    def _release(self) -> None:
        self._pending = None
        gc.collect()  # what closed documents left in reference cycles is freed first
        release()
