"""Checking files from disk: the one path from a file to its results (SPEC §6).

`check_file` reads one file, checks it with the registry its configuration gives, and
returns a plain `FileResult`. `check`, `baseline`, `report`, SARIF and the editor's
workspace scan all call it, so a file is treated the same way everywhere:

- a file that is not regular, too large, unreadable or undecodable, or nested too deeply
  to analyse, gives a result with `error` (the reason), never a silent skip;
- a file that mentions none of the registry's trigger names is proven clean without
  being parsed (`prefilter.py`), and the others are parsed only where a finding can be
  (`sparse.py`); a file with a fixable finding is then analysed in full, so each `fix`
  field is the fix planner's answer (SPEC §12);
- the result carries what its consumers need and nothing else: the text of the lines
  the violations touch (snippets, baseline keys, LSP positions), the automatic fixes when
  asked (SARIF), the import counts when asked (the compliance report), and the
  configuration errors that stopped the check (the editor shows them).

`run_checks` maps it over many files in worker processes; `Details` is what renderers
receive next to the violations, so that no renderer reads a file or calls the engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Callable, Optional, Union, overload

from .configs import ConfigStore
from .engine import Checked, analyze
from .model import FIX_AUTO, ConfigError, Fix, Rule, Span, Violation
from .registry import Registry
from .source import DecodeError, Decoded, LineIndex, decode, read_source

TOO_DEEP = "too deeply nested to analyse"
# After this many parsed files, a registry whose files mostly have a fixable violation
# (this share) gets the full analysis at once (corpus (a), the editor's workspace).
FULL_FIRST_AFTER = 20
FULL_FIRST_SHARE = 0.6


class FileProblem(Exception):
    """Why a file cannot be checked: not a regular file, too large, unreadable or undecodable."""


def read_file(path: Union[str, Path]) -> bytes:
    """The bytes of a Python file that decodes; FileProblem (with the reason) otherwise."""
    try:
        data = read_source(path)
        _check_decodable(data)
    except (OSError, DecodeError) as exc:
        raise FileProblem(str(exc) or type(exc).__name__) from exc
    return data


def read_text(path: Union[str, Path]) -> tuple[bytes, Decoded]:
    """The bytes of a Python file and its decoded text; FileProblem (with the reason) otherwise."""
    data = read_file(path)
    try:
        return data, decode(data)
    except DecodeError as exc:  # pragma: no cover - read_file decoded it already
        raise FileProblem(str(exc)) from exc


def _check_decodable(data: bytes) -> None:
    """Raise DecodeError when `data` does not decode; a plain UTF-8 check unless a coding line is there."""
    first = data.find(b"\n")
    second = data.find(b"\n", first + 1) if first >= 0 else -1
    if b"coding" not in (data if second < 0 else data[:second]):
        if data.isascii():  # most files: no decoding needed to know
            return
        try:
            data.decode("utf-8")
            return
        except UnicodeDecodeError:
            pass
    decode(data)  # raises DecodeError with the reason


class SparseLines(Sequence[str]):
    """Some lines of a file (by 0-based number) and how many it has; other lines read as ''."""

    __slots__ = ("texts", "total")

    def __init__(self, texts: Optional[dict[int, str]] = None, total: int = 0) -> None:
        self.texts = texts or {}
        self.total = total

    @classmethod
    def of(cls, lines: LineIndex, numbers: set[int]) -> SparseLines:
        return cls({number: lines.line(number) for number in sorted(numbers)}, len(lines))

    def line(self, number: int) -> str:
        return self.texts.get(number, "")

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...

    def __getitem__(self, index: Union[int, slice]) -> Union[str, Sequence[str]]:
        if isinstance(index, slice):
            return [self.line(number) for number in range(self.total)[index]]
        return self.line(index if index >= 0 else self.total + index)

    def __len__(self) -> int:
        return self.total

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SparseLines) and (self.texts, self.total) == (other.texts, other.total)

    def __repr__(self) -> str:
        return f"SparseLines({self.texts!r}, {self.total})"

    def __getstate__(self) -> tuple[dict[int, str], int]:
        return self.texts, self.total

    def __setstate__(self, state: tuple[dict[int, str], int]) -> None:
        self.texts, self.total = state


@dataclass(frozen=True)
class FileResult:
    """What checking one file from disk found (a plain value: worker processes send it back)."""

    path: str  # absolute
    violations: tuple[Violation, ...] = ()
    error: Optional[str] = None  # why the file could not be checked (see the module docstring)
    lines: SparseLines = field(default_factory=SparseLines)  # the lines the violations touch
    fixes: tuple[Fix, ...] = ()  # the automatic fixes, when asked for (SARIF)
    governed: int = 0  # import names counted for the compliance report, when asked for
    canonical: int = 0
    violating: int = 0
    config_path: Optional[Path] = None
    config_errors: tuple[ConfigError, ...] = ()  # why no registry could check the file

    @property
    def version(self) -> None:
        """A file on disk has no document version (the editor's diagnostics ask)."""
        return None


# Counts a document's import names for the compliance report: (governed, canonical, violating)
# and the violations (`report.tally`).
Counter = Callable[[str, Path, Registry], tuple[tuple[int, int, int], list[Violation]]]


def check_file(store: ConfigStore, path: Union[str, Path], *, fixes: bool = False, count: Optional[Counter] = None,
               text: Optional[str] = None) -> FileResult:
    """Check the file `path` with the registry `store` finds for it.

    `fixes`: plan the automatic fixes too. `count`: count the file's import names with it
    instead (the compliance report; the whole file is analysed). `text`: the file's
    contents when they are not to be read from disk (an editor buffer).
    """
    path = Path(path)
    lookup = store.lookup(path)
    if lookup.registry is None:
        return FileResult(str(path), config_path=lookup.config_path, config_errors=tuple(lookup.errors))
    registry = lookup.registry
    found = FileResult(str(path), config_path=lookup.config_path)
    if text is None:
        try:
            data = read_file(path)
        except FileProblem as exc:
            return replace(found, error=str(exc))
        # Most files of a large codebase never mention the registry's names: they are not parsed.
        if count is None and not store.batch_filter(registry).may_violate(data, *registry.workspace.module_name(path)):
            return found
        text = decode(data).text
    try:
        if count is not None:
            return _counted(found, text, path, registry, count)
        return _checked(found, text, path, registry, fixes, store.parse_history(registry))
    except RecursionError:
        return replace(found, error=TOO_DEEP)


def _checked(found: FileResult, text: str, path: Path, registry: Registry, want_fixes: bool,
             history: list[int]) -> FileResult:
    """The file's violations: sparse first, then in full when one has a fix (see `_full_first`)."""
    checked: Optional[Checked] = None
    if _full_first(history):
        try:
            checked = analyze(text, path, registry)
        except RecursionError:  # the sparse analysis below may still fit
            checked = None
    if checked is None:
        checked = analyze(text, path, registry, findings_only=True)
        if any(v.fix is not None for v in checked.violations):
            # What `fix` will do is decided on a full analysis (SPEC §12: "auto" is a promise).
            try:
                checked = analyze(text, path, registry)
            except RecursionError:  # found, but too deep for the fix planner (and for `fix`)
                violations = [replace(v, fix=None) for v in checked.violations]
                return replace(found, violations=tuple(violations), lines=_touched(text, violations))
    violations = checked.violations
    history[0] += 1
    history[1] += any(v.fix is not None for v in violations)
    planned: tuple[Fix, ...] = ()
    if want_fixes and any(v.fix == FIX_AUTO for v in violations):
        planned = _automatic_fixes(text, checked, registry)
    lines = _touched(text, violations, checked.analysis.lines if checked.analysis is not None else None)
    return replace(found, violations=tuple(violations), lines=lines, fixes=planned)


def _full_first(history: list[int]) -> bool:
    """Whether to skip the sparse analysis: most parsed files of this registry had a fixable
    violation, so they needed the full analysis anyway (the violations are the same either way)."""
    parsed, fixable = history
    return parsed >= FULL_FIRST_AFTER and fixable >= FULL_FIRST_SHARE * parsed


def _automatic_fixes(text: str, checked: Checked, registry: Registry) -> tuple[Fix, ...]:
    from .fixer import plan_fixes

    try:
        planned = plan_fixes(text, checked, registry)
    except Exception:  # noqa: BLE001 - a fix that cannot be planned is not offered; its violation still is
        return ()
    return tuple(fix for fix in planned if fix.violation.fix == FIX_AUTO and fix.automatic and fix.edits)


def _counted(found: FileResult, text: str, path: Path, registry: Registry, count: Counter) -> FileResult:
    counts, violations = count(text, path, registry)
    return replace(found, violations=tuple(violations), lines=_touched(text, violations),
                   governed=counts[0], canonical=counts[1], violating=counts[2])


def _touched(text: str, violations: Sequence[Violation], index: Optional[LineIndex] = None) -> SparseLines:
    """The lines the violations touch; `index`: the analysis's line table, used when it is of `text`."""
    if not violations:
        return SparseLines()
    numbers = {line for v in violations for line in (v.span.start_line, v.span.end_line)}
    return SparseLines.of(index if index is not None and index.text is text else LineIndex(text), numbers)


# -- many files ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Wanted:
    """What a batch run asks of each file (see `check_file`)."""

    fixes: bool = False
    count: Optional[Counter] = None


def check_item(context: tuple[ConfigStore, Wanted], path: Path) -> FileResult:
    """`check_file` as a worker process runs it."""
    store, wanted = context
    return check_file(store, path, fixes=wanted.fixes, count=wanted.count)


def run_checks(store: ConfigStore, paths: list[Path], jobs: Optional[int] = None, *, fixes: bool = False,
               count: Optional[Counter] = None, progress: Optional[Callable[[int, int], None]] = None) -> list[FileResult]:
    """`check_file` over `paths`, in worker processes for large runs; results in the order of `paths`."""
    from .runner import parallel_map

    if count is None:  # built once here: forked workers inherit the pre-filters and limited registries
        # The workspace's files are read for it in worker processes too (forked ones).
        map_files = partial(parallel_map, jobs=jobs, forked_only=True)
        for path in {path.parent: path for path in paths}.values():  # one file per folder
            registry = store.lookup(path).registry
            if registry is not None:
                store.batch_filter(registry, map_files)
    return parallel_map(check_item, (store, Wanted(fixes, count)), paths, jobs, progress)


@dataclass
class Details:
    """What renderers need besides the (display path, violation) pairs, taken from the results."""

    lines: dict[str, SparseLines] = field(default_factory=dict)  # display path -> the lines its violations touch
    fixes: dict[tuple[str, str, Span], Fix] = field(default_factory=dict)  # (display path, code, span) -> fix
    rules: dict[str, Rule] = field(default_factory=dict)  # rule metadata by id

    def lines_of(self, path: str) -> SparseLines:
        """The lines of a reported file (a baseline loader: keys need no reading of files)."""
        return self.lines.get(path, SparseLines())

    def add(self, shown: str, result: FileResult) -> None:
        if result.violations:
            self.lines[shown] = result.lines
        for fix in result.fixes:
            self.fixes[(shown, fix.violation.code, fix.violation.span)] = fix
