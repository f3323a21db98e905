"""The workspace scan's jobs: find the workspace's Python files and check them in batches.

They run in the scan's helper process (`worker.py`), each with the child's own
`ConfigStore`; when no helper process can be started, the server runs the same functions
on its engine thread with its own store, so both give the same results. A file's result
is a `ScanRecord`: its violations and the text of the lines they touch (enough to convert
their columns to the client's position encoding), never the file's text or syntax tree.
Imports nothing from pygls or lsprotocol.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from ..model import ConfigError, Violation
from ..source import DecodeError, decode, read_source
from .configs import ConfigStore
from .documents import check_text

# What the server tells the scan between batches: ("overlay", path, text or None),
# ("module", path, None) or ("config", None, None).
Change = tuple[str, Optional[Path], Optional[str]]


@dataclass
class SparseLines:
    """The lines of a file that its violations touch; other lines read as ''."""

    texts: dict[int, str] = field(default_factory=dict)

    def line(self, number: int) -> str:
        return self.texts.get(number, "")


@dataclass
class ScanRecord:
    """What the scan found in one closed file (shaped like a document's `Result` for diagnostics)."""

    path: Path
    violations: list[Violation]
    lines: SparseLines
    config_path: Optional[Path] = None
    config_errors: list[ConfigError] = field(default_factory=list)
    version: Optional[int] = None
    skipped: Optional[str] = None  # why the file was not checked (not a regular file, too large, undecodable)


def discover_files(roots: list[str]) -> list[Path]:
    """The Python files under `roots` that their configuration does not exclude."""
    from ..runner import discover

    return [path for path, _ in discover(roots).files]


_STORE: Optional[ConfigStore] = None


def check_batch(paths: list[Path], changes: Iterable[Change] = (), store: Optional[ConfigStore] = None
                ) -> list[Optional[ScanRecord]]:
    """Check files as saved on disk (None for a file that cannot be parsed; `skipped` says why one was not read).

    `store` is the server's own (in-process scan); the helper process keeps one of its own
    and first applies `changes`: the open documents' unsaved text and watched-file events.
    """
    global _STORE
    if store is None:
        if _STORE is None:
            _STORE = ConfigStore()
        store = _STORE
        apply_changes(store, changes)
    return [check_file(store, Path(path)) for path in paths]


def apply_changes(store: ConfigStore, changes: Iterable[Change]) -> None:
    for kind, path, text in changes:
        if kind in ("overlay", "module") and path is None:
            raise TypeError(f"a {kind} change names no path")
        if kind == "overlay" and path is not None:
            store.set_overlay(Path(path), text)
        elif kind == "module" and path is not None:
            store.module_changed(Path(path))
        elif kind == "config":
            store.config_changed()


def check_saved_file(store: ConfigStore, path: Path) -> Optional[ScanRecord]:
    """The record of one file as saved on disk; None when it is gone or the scan would not check it.

    A file is checked when the workspace scan would find it: a Python file under a
    configuration that does not exclude it.
    """
    if not path.is_file() or path not in discover_files([str(path)]):
        return None
    return check_file(store, path)


def check_file(store: ConfigStore, path: Path) -> Optional[ScanRecord]:
    try:
        text = decode(read_source(path)).text
    except (OSError, DecodeError) as exc:
        return ScanRecord(path, [], SparseLines(), skipped=str(exc) or type(exc).__name__)
    result = check_text(store, path, text, None)
    if result is None:
        return None
    violations = list(result.violations)
    touched = {line for v in violations for line in (v.span.start_line, v.span.end_line)}
    lines = SparseLines({number: result.lines.line(number) for number in sorted(touched)})
    return ScanRecord(path, violations, lines, result.config_path, list(result.config_errors))
