"""Fix-all in a helper process: a whole file's fixes without holding the server's interpreter lock.

Fix-all is CPU-bound Python: run on the server's engine thread it takes the interpreter
lock from the event loop, and a hover or completion asked meanwhile waits. So the server
asks the fixes' helper process (`worker.py`, started by the first fix-all) instead, with the document's text and what
the helper has not seen yet of the open documents' unsaved text and of watched-file events;
the helper keeps its own `ConfigStore` (in `FixJobs`) and answers with the fixed text. When no helper can
be started, or it fails, the server fixes on its engine thread as before. Imports nothing
from pygls or lsprotocol.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Iterable, Optional

from ..configs import ConfigStore
from .scan import Change, apply_changes
from .worker import JobFailed, Worker, WorkerDied

log = logging.getLogger("ssot_lsp")
FIXES_NICE = 0  # the user is waiting for this one


class FixJobs:
    """The helper's side: its own config store, kept up to date with what the server tells it."""

    def __init__(self) -> None:
        self.store = ConfigStore()

    def fix_text(self, text: str, path: str, changes: Iterable[Change] = ()) -> Optional[str]:
        """The text after every safe fix (None when no registry governs `path`)."""
        from ..fixer import fix_all

        apply_changes(self.store, changes)
        registry = self.store.lookup(Path(path)).registry
        if registry is None:
            return None
        return fix_all(text, Path(path), registry).text


class FixHelper:
    """The server's side: the helper process, and what it has been told."""

    def __init__(self) -> None:
        self.worker = Worker("fixes", nice=FIXES_NICE)
        self.sent: dict[Path, str] = {}
        self.events: list[Change] = []
        self.failed = False

    def note(self, kind: str, path: Optional[Path] = None) -> None:
        self.events.append((kind, path, None))

    async def fix(self, path: Path, text: str, overlays: dict[Path, str]) -> Optional[str]:
        """The fixed text from the helper, or None when the server must fix it itself."""
        if self.failed:
            return None
        changes = self._changes(overlays)
        try:
            return await asyncio.wrap_future(self.worker.call("fix.all", text, str(path), changes))
        except JobFailed as exc:  # this document only: the server tries it itself
            log.warning("ssot: fix-all of %s runs in the server (%s)", path, exc)
            return None
        except WorkerDied as exc:
            log.warning("ssot: fix-all runs in the server from now on (%s)", exc)
            self.failed = True
            self.worker.close()
            return None

    def _changes(self, overlays: dict[Path, str]) -> list[Change]:
        changes: list[Change] = list(self.events)
        self.events.clear()
        for path, text in overlays.items():
            if self.sent.get(path) != text:
                changes.append(("overlay", path, text))
        changes.extend(("overlay", path, None) for path in self.sent if path not in overlays)
        self.sent = dict(overlays)
        return changes

    def close(self) -> None:
        self.worker.close()
