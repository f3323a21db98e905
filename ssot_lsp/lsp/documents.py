"""Checking documents: the latest good result of each, computed off the event loop (SPEC §5).

A result belongs to one document version. Work on a version that a newer edit has
superseded is dropped; when a document cannot be parsed at all, its last good result
stays (diagnostics don't flicker while a line is half-typed). Engine work runs on one
worker thread, so the engine's caches are never touched concurrently.

The engine walks syntax trees recursively, and a valid expression such as a 500-term
`'a' + 'a' + ...` is deeper than Python's default recursion limit (1,000). The engine
thread therefore has a 256 MiB stack and the interpreter a recursion limit of 20,000
(the limit is per interpreter: other threads get it too; on 8 MiB stacks, the usual
default, JSON and `repr` of data nested that deep still end in RecursionError, not a
crash, so the limit is raised only where the stack is at least that big). A document
deeper still is checked with its too-deep statements neutralised
(`source.neutralise_deep_statements`): every other line keeps its diagnostics.

Size policy: a document of more than BIG_DOCUMENT_CHARS characters is checked the way
`ssot-lsp check` checks files (`sparse.py`): only its imports and the statements that
write a name of the registry are parsed and analysed, so one keystroke in it costs
milliseconds per megabyte instead of seconds, and the other documents, which share the
engine thread, are not kept waiting: the linear part (lexing, the line table) runs on
another thread and only the analysis of the kept statements on the engine's. What such a document loses: a call through a name
imported under another name in a different module (the batch path closes over the
workspace's renames; the server does not read the workspace for this), and, while a
string or bracket is left open, new diagnostics until the next edit (the last ones stay).
Above HUGE_DOCUMENT_CHARS even that takes seconds per keystroke (the lexer and the line
tables are linear in the size): such a document is not checked in the editor at all, and
`ssot-lsp check` remains the way to check it. Either way the result says so once, in a
log line and a message.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..engine import Checked, analyze
from ..model import ConfigError, Fix, Span, Violation
from ..registry import Registry
from ..source import LineIndex, max_depth, neutralise_deep_statements
from ..configs import ConfigStore

log = logging.getLogger("ssot_lsp")
BIG_DOCUMENT_CHARS = 1_000_000
HUGE_DOCUMENT_CHARS = 8_000_000
ENGINE_STACK_BYTES = 256 * 1024 * 1024
ENGINE_RECURSION_LIMIT = 20_000
SAFE_MAIN_STACK_BYTES = 8 * 1024 * 1024


def engine_executor() -> ThreadPoolExecutor:
    """The single engine thread, started now with a stack deep recursion fits in."""
    try:
        previous = threading.stack_size(ENGINE_STACK_BYTES)
    except (ValueError, RuntimeError):  # the platform refuses: default stacks, default limit
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="ssot-engine")
    try:
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ssot-engine",
                                      initializer=allow_deep_recursion)
        executor.submit(int).result()  # the thread starts here, with the stack size above
    finally:
        threading.stack_size(previous)
    return executor


def allow_deep_recursion() -> None:
    """Raise the recursion limit when every thread's stack can take it (see the module docstring)."""
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_STACK)
    except (ImportError, OSError, ValueError):
        return
    if soft == resource.RLIM_INFINITY or soft >= SAFE_MAIN_STACK_BYTES:
        sys.setrecursionlimit(max(sys.getrecursionlimit(), ENGINE_RECURSION_LIMIT))


@dataclass
class Result:
    """What checking one version of a document found."""

    version: Optional[int]
    text: str
    lines: LineIndex
    checked: Checked
    registry: Optional[Registry] = None
    config_path: Optional[Path] = None
    config_errors: list[ConfigError] = field(default_factory=list)
    fixes: Optional[dict[tuple[str, Span, bool], Optional[Fix]]] = None  # gated quick fixes by (code, span, snippets), planned on request
    note: Optional[str] = None  # how this check differed from a full one (size policy), for the user

    @property
    def violations(self) -> list[Violation]:
        return self.checked.violations


@dataclass
class DocumentState:
    """Per open document: the last good result and the version last published."""

    result: Optional[Result] = None
    published_version: Optional[int] = None
    pending: Optional["asyncio.Future[None]"] = None  # the asyncio task of a debounced check
    stale: bool = False  # the config or another module changed: check again even at the same version


# (sparse text or None, lines): the part of a big document's check that needs no engine state
Lexed = tuple[Optional[str], LineIndex]


def check_text(configs: ConfigStore, path: Optional[Path], text: str, version: Optional[int],
               previous: Optional[Result] = None, lexed: Optional[Lexed] = None) -> Optional[Result]:
    """Check `text` as the contents of `path`; None when it could not be parsed at all.

    `lexed`: what `lex_big_document` computed off the engine thread for a big document.
    """
    if lexed is not None:
        lines = lexed[1]
    else:
        lines = LineIndex(text if len(text) <= HUGE_DOCUMENT_CHARS else "")  # nothing to place in a huge one
    if path is None or path.suffix not in (".py", ".pyi"):
        return Result(version, text, lines, Checked(None))
    lookup = configs.lookup(path)
    if lookup.registry is None:
        return Result(version, text, lines, Checked(None), None, lookup.config_path, lookup.errors)
    registry = lookup.registry
    if registry.config.is_excluded(path):
        return Result(version, text, lines, Checked(None), registry, lookup.config_path)
    if len(text) > HUGE_DOCUMENT_CHARS:
        note = (f"ssot: {path.name} has {len(text):,} characters (more than {HUGE_DOCUMENT_CHARS:,}): not checked "
                f"in the editor; run `ssot-lsp check` on it")
        return Result(version, text, lines, Checked(None), registry, lookup.config_path, note=note)
    if len(text) > BIG_DOCUMENT_CHARS:
        kept = lexed[0] if lexed is not None else lex_big_document(text, big_document_triggers(registry))[0]
        return _check_big(text, kept, path, registry, version, lines, lookup.config_path)
    try:
        checked: Optional[Checked] = analyze(text, path, registry, previous.checked if previous is not None else None)
    except RecursionError:
        checked = _analyze_shallow(text, path, registry)
    if checked is None or checked.analysis is None:
        return None
    return Result(version, text, lines, checked, registry, lookup.config_path)


def big_document_triggers(registry: Registry) -> frozenset[bytes]:
    """The names whose statements a big document keeps (engine thread: the registry's caches)."""
    from ..prefilter import build_prefilter

    return frozenset(name.encode("utf-8", "surrogatepass") for name in build_prefilter(registry, ()).triggers)


def plan_big_document(configs: ConfigStore, path: Optional[Path], text: str) -> Optional[frozenset[bytes]]:
    """On the engine thread: the trigger names when `text` gets the big-document check, else None."""
    if not BIG_DOCUMENT_CHARS < len(text) <= HUGE_DOCUMENT_CHARS or path is None or path.suffix not in (".py", ".pyi"):
        return None
    registry = configs.lookup(path).registry
    if registry is None or registry.config.is_excluded(path):
        return None
    return big_document_triggers(registry)


def lex_big_document(text: str, triggers: frozenset[bytes]) -> Lexed:
    """The linear, engine-free part of a big document's check, for any thread: the other
    documents' checks need not queue behind it on the engine thread."""
    from ..sparse import sparse_text

    return sparse_text(text, triggers), LineIndex(text)


def _check_big(text: str, kept: Optional[str], path: Path, registry: Registry, version: Optional[int],
               lines: LineIndex, config_path: Optional[Path]) -> Optional[Result]:
    """The size policy (see the module docstring): only the statements that can hold a finding."""
    if kept is None:
        log.warning("%s: %s characters, and a string or bracket is open: not checked again until it is closed",
                    path, f"{len(text):,}")
        return None
    try:
        checked: Optional[Checked] = analyze(kept, path, registry)
    except RecursionError:
        checked = _analyze_shallow(kept, path, registry)
    if checked is None or checked.analysis is None:
        return None
    note = (f"ssot: {path.name} has {len(text):,} characters (more than {BIG_DOCUMENT_CHARS:,}): only its imports "
            f"and the statements naming a rule's symbols are checked")
    return Result(version, text, lines, checked, registry, config_path, note=note)


def _analyze_shallow(text: str, path: Path, registry: Registry) -> Optional[Checked]:
    """The analysis of `text` without its statements too deep to analyse (positions unchanged)."""
    shallow, deep = neutralise_deep_statements(text, max_depth())
    log.warning("%s: line(s) %s nested too deeply to analyse; the rest of the file is checked", path,
                ", ".join(str(line + 1) for line in deep[:10]) + (" ..." if len(deep) > 10 else ""))
    try:
        return analyze(shallow, path, registry)
    except RecursionError:
        log.warning("%s: nested too deeply to analyse", path)
        return None
