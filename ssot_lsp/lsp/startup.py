"""What the server does before its imports and once its first diagnostics are out.

Most of a start is importing pygls and lsprotocol: some 550 attrs classes and the
structure hooks cattrs generates for them. `prepare` (called by `python -m ssot_lsp`
before those imports) takes the generated code from the cache (`codecache.py`) and turns
the cyclic garbage collector off: the start-up allocates ~100,000 objects that live as
long as the process, and collecting while they are made only costs time (~10 % of the
imports). `settle` (once the documents opened with the workspace have their first
diagnostics) collects once, moves everything alive then out of the collector's way for
good (`gc.freeze`: later full collections do not walk the protocol's classes again) and
turns the collector back on; the code cache is written then too. If the client never
gets that far, the collector comes back on by itself after `COLLECTOR_OFF_S`.
"""

from __future__ import annotations

import gc
import threading

COLLECTOR_OFF_S = 30.0
_paused = False
_lock = threading.Lock()


def prepare() -> None:
    global _paused
    from . import codecache

    if gc.isenabled():  # first: reading the cache makes thousands of code objects too
        gc.disable()
        _paused = True
        timer = threading.Timer(COLLECTOR_OFF_S, _resume)
        timer.daemon = True
        timer.start()
    codecache.install()


def settle() -> None:
    """Collect the start-up's garbage, freeze what survives and resume collecting (if `prepare` paused it)."""
    _resume()


def _resume() -> None:
    global _paused
    with _lock:
        if not _paused:
            return
        _paused = False
    gc.collect()
    gc.freeze()
    gc.enable()
