"""The workspace scan's jobs: find the workspace's Python files and check them in batches.

A closed file is checked the way `ssot-lsp check` checks it (`batch.check_file`): proven
clean by the pre-filter without being parsed when it cannot violate the registry, parsed
only where a finding can be otherwise, and analysed in full only when it has a fixable
finding. Its result is a `batch.FileResult`: the violations and the text of the lines
they touch (enough to convert their columns to the client's position encoding), never
the file's text or syntax tree.

The jobs run in the scan's helper process (`worker.py`), each with the child's own
`ConfigStore`; when no helper process can be started, the server runs the same functions
on its engine thread with its own store, so both give the same results. The open
documents' unsaved text is part of the store (`ConfigStore.overlays`): a document that
changes what a module re-exports changes which names the pre-filter looks for, and the
store builds the affected registry's pre-filter again. Each batch answers with the
store's `filter_generation`, so the server can check again the files it scanned before
such a change. Imports nothing from pygls or lsprotocol.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Optional

from ..batch import FileResult, check_file
from ..configs import ConfigStore

# What the server tells the scan between batches: ("overlay", path, text or None),
# ("module", path, None) or ("config", None, None).
Change = tuple[str, Optional[Path], Optional[str]]


def discover_files(roots: list[str]) -> list[Path]:
    """The Python files under `roots` that their configuration does not exclude."""
    from ..runner import discover

    return [path for path, _ in discover(roots).files]


class ScanJobs:
    """The helper process's side of the scan: its own config store, kept up to date with the server's changes."""

    def __init__(self) -> None:
        self.store = ConfigStore()

    def check(self, paths: list[Path], changes: Iterable[Change] = ()) -> tuple[int, list[FileResult]]:
        return check_batch(paths, changes, self.store)


def check_batch(paths: list[Path], changes: Iterable[Change], store: ConfigStore) -> tuple[int, list[FileResult]]:
    """Check files as saved on disk: (the store's pre-filter generation, a result per file).

    `changes` (the open documents' unsaved text and watched-file events the helper process
    has not seen yet) are applied to `store` first; the server's own store needs none.
    """
    apply_changes(store, changes)
    results = [check_file(store, Path(path)) for path in paths]
    return store.filter_generation, results


def apply_changes(store: ConfigStore, changes: Iterable[Change]) -> None:
    for kind, path, text in changes:
        if kind == "config":
            store.config_changed()
        elif path is None:
            raise TypeError(f"a {kind!r} change without a path")
        elif kind == "overlay":
            store.set_overlay(Path(path), text)
        elif kind == "module":
            store.module_changed(Path(path))


def check_saved_file(store: ConfigStore, path: Path) -> Optional[FileResult]:
    """The result of one file as saved on disk; None when it is gone or the scan would not check it.

    A file is checked when the workspace scan would find it: a Python file under a
    configuration that does not exclude it.
    """
    if not path.is_file() or path not in discover_files([str(path)]):
        return None
    return check_file(store, path)
