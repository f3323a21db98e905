"""`ssot-lsp fix` on files: fix one file, write it atomically, or describe the change as a diff (SPEC §6).

A file is only replaced when it is safe to: it is a regular file (a symlink is reported
and left alone, so the link is never turned into a copy), writable, decodable, and still
byte-for-byte what was read (another writer did not change it meanwhile). The new bytes go
to a temporary file in the same folder, are flushed and fsynced, get the old file's mode,
and replace the old file with one `os.replace`: a crash at any moment leaves either the
old or the new text, never a mix.
"""

from __future__ import annotations

import difflib
import os
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from .model import Violation

if TYPE_CHECKING:
    from .configs import ConfigStore


@dataclass
class FileFix:
    """What fixing one file did (or, with `--diff`, would do)."""

    path: str
    applied: int = 0
    manual: list[Violation] = field(default_factory=list)
    skipped: list[tuple[Violation, str]] = field(default_factory=list)
    unfixable: list[tuple[Violation, str]] = field(default_factory=list)  # no automatic fix, and why
    unsafe: list[Violation] = field(default_factory=list)  # left for --unsafe-fixes
    not_parsed: Optional[str] = None  # the file does not parse: skipped, and where the syntax error is
    remaining: list[Violation] = field(default_factory=list)  # every violation left afterwards
    diff: str = ""
    problem: Optional[str] = None  # why the file was left untouched


# (path, write?, display name, selected rule ids, ignored rule ids, unsafe fixes?)
FixItem = tuple[Path, bool, str, list[str], list[str], bool]


def fix_file(store: ConfigStore, item: FixItem) -> FileFix:
    """Fix one file with the registry `store` finds for it; `item` is (path, write?, display name,
    selected, ignored, unsafe fixes?)."""
    from .batch import FileProblem, read_text
    from .engine import analyze
    from .fixer import fix_all
    from .runner import select
    from .source import encode

    path, write, shown, selected, ignored, unsafe_fixes = item
    outcome = FileFix(str(path))
    if path.is_symlink():
        outcome.problem = "is a symbolic link: left untouched (fix the file it points to)"
        return outcome
    try:
        original, decoded = read_text(path)
    except FileProblem as exc:
        outcome.problem = f"cannot read: {exc}"
        return outcome
    lookup = store.lookup(path)
    if lookup.registry is None:  # discovery checked the configuration: it changed during the run
        outcome.problem = "no usable configuration: " + "; ".join(str(error) for error in lookup.errors)
        return outcome
    registry = lookup.registry

    def wanted(violation: Violation) -> bool:
        return bool(select([violation], selected, ignored))

    result = fix_all(decoded.text, path, registry, only=wanted, unsafe_fixes=unsafe_fixes)
    outcome.applied = len(result.applied)
    outcome.manual, outcome.skipped = result.manual, result.skipped
    outcome.unfixable, outcome.unsafe, outcome.not_parsed = result.unfixable, result.unsafe, result.not_parsed
    outcome.remaining = [v for v in analyze(result.text, path, registry).violations if wanted(v)]
    if result.text == decoded.text:
        return outcome
    try:
        new = encode(result.text, decoded)
    except UnicodeEncodeError as exc:
        outcome.problem, outcome.applied = f"the fixed text cannot be encoded as {decoded.encoding}: {exc}", 0
        return outcome
    if not write:
        outcome.diff = unified_diff(decoded.text, result.text, shown)
        return outcome
    outcome.problem = replace_file(path, original, new)
    if outcome.problem:
        outcome.applied = 0
    return outcome


def unified_diff(old: str, new: str, shown: str) -> str:
    return "".join(difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{shown}", f"b/{shown}",
    ))


def replace_file(path: Path, expected: bytes, data: bytes) -> Optional[str]:
    """Atomically replace `path` with `data` if it still holds `expected`; the problem otherwise."""
    try:
        info = path.stat()
        if not info.st_mode & stat.S_IWUSR or not os.access(path, os.W_OK):
            return "is read-only: left untouched"
        if path.read_bytes() != expected:
            return "changed on disk during the run: left untouched"
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".ssot-tmp")
    except OSError as exc:
        return f"cannot write: {exc}"
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, stat.S_IMODE(info.st_mode))
        os.replace(temporary, path)
    except OSError as exc:
        _remove_quietly(temporary)
        return f"cannot write: {exc}"
    _sync_folder(path.parent)
    return None


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (where the platform allows opening folders)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
