"""Batch runs over files: discovery (config per folder, exclusions), worker processes, progress (SPEC §6).

Shared by `check`, `fix`, `baseline` and `report`. Workers are separate processes (the
engine is CPU-bound Python); each gets the run's `ConfigStore` when it starts.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional, TypeVar

from .config import PYTHON_SUFFIXES, Config
from .configs import ConfigStore
from .model import ConfigError, Span, Violation
from .phases import REST, phase_of_violation

# The code of a file that could not be read or decoded (ruff's E902): an error in every output.
READ_ERROR = "SSOT-E902"
T = TypeVar("T")
A = TypeVar("A")
C = TypeVar("C")


@dataclass
class Discovery:
    """Files to check, each with its config, plus the configuration errors met on the way."""

    store: ConfigStore = field(default_factory=ConfigStore)  # the configs found, for checking the files
    files: list[tuple[Path, Config]] = field(default_factory=list)
    errors: list[ConfigError] = field(default_factory=list)
    unconfigured: list[str] = field(default_factory=list)  # Python files no config governs
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path named, why it is not checked)


def discover(paths: Iterable[str], store: Optional[ConfigStore] = None,
             extra_exclude: tuple[str, ...] = ()) -> Discovery:
    """Python files under `paths`, skipping excluded ones, each paired with its config.

    `store` (a new one by default) finds and keeps the configs; the files are then checked
    with it. `extra_exclude`: gitignore-style patterns (relative to each config's folder)
    excluded on top of the config's own `exclude` (`--exclude` / `--extend-exclude`). A file
    named directly that is not Python or is excluded is listed in `skipped`, not checked.
    """
    lookup = store if store is not None else ConfigStore()
    discovery = Discovery(lookup)
    seen: set[str] = set()
    for raw in paths:
        start = os.path.abspath(raw)
        if not os.path.exists(start):
            discovery.errors.append(ConfigError(raw, "", "no such file or folder"))
            continue
        if os.path.isfile(start):
            reason = _named_file_problem(start, lookup, extra_exclude)
            if reason:
                discovery.skipped.append((raw, reason))
                continue
        for file, config in _walk(start, lookup, extra_exclude):
            if file in seen:
                continue
            seen.add(file)
            if config is None:
                discovery.unconfigured.append(file)
            else:
                discovery.files.append((Path(file), config))
    discovery.errors.extend(lookup.errors)
    return discovery


def _named_file_problem(path: str, lookup: ConfigStore, extra_exclude: tuple[str, ...]) -> Optional[str]:
    """Why a file named on the command line is not checked (None when it is)."""
    if not path.endswith(PYTHON_SUFFIXES):
        return "not a Python file (.py or .pyi)"
    config = lookup.config_in(os.path.dirname(path))
    if config is None:
        return None
    relative = config.relative(Path(path))
    if relative is not None and _excluder(config, extra_exclude)(relative):
        return f"excluded by {display_path(config.path)} or the command line"
    return None


def _excluder(config: Config, extra_exclude: tuple[str, ...]) -> Callable[[str], bool]:
    excluded = config.excluder()
    if not extra_exclude:
        return excluded
    extra = replace(config, exclude=tuple(extra_exclude), _matchers={})

    def either(relative: str) -> bool:
        return excluded(relative) or extra._matches_relative(extra.exclude, relative)

    return either


def _walk(start: str, lookup: ConfigStore,
          extra_exclude: tuple[str, ...] = ()) -> Iterator[tuple[str, Optional[Config]]]:
    """Python files under `start` with their configs (a file named directly: itself; one that is
    not regular is yielded too, and refused when read)."""
    if not os.path.isdir(start):
        yield start, lookup.config_in(os.path.dirname(start))
        return
    excluders: dict[Path, Callable[[str], bool]] = {}
    configs: dict[Optional[Path], Optional[Config]] = {}  # each config is loaded (its file stat'ed) once a walk
    for folder, dirs, files in os.walk(start):
        config_path = lookup.config_path_in(folder, files)
        if config_path not in configs:
            configs[config_path] = lookup.config_in(folder, files)
        config = configs[config_path]
        excluded = None
        prefix = ""
        if config is not None:
            relative = config.relative(folder)
            if relative is not None:
                if config.path not in excluders:
                    excluders[config.path] = _excluder(config, extra_exclude)
                excluded = excluders[config.path]
                prefix = "" if relative == "." else relative + "/"
        kept = []
        for name in sorted(dirs):
            if name.startswith(".") or (excluded is not None and excluded(prefix + name)):
                continue
            kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            if name.endswith(PYTHON_SUFFIXES) and (excluded is None or not excluded(prefix + name)):
                yield os.path.join(folder, name), config


def parallel_map(function: Callable[[C, A], T], context: C, items: list[A], jobs: Optional[int],
                 progress: Optional[Callable[[int, int], None]] = None, forked_only: bool = False) -> list[T]:
    """`function(context, item)` over `items` in worker processes (in order); inline for small runs.

    Each worker process gets `context` once, when it starts (a forked one inherits it with
    its caches), not with every item. `forked_only`: inline too where workers would start
    afresh (spawn, forkserver), whose start costs more than such light work saves.
    """
    jobs = jobs or os.cpu_count() or 1
    total = len(items)
    results: list[T] = []
    if jobs <= 1 or total < 16 or (forked_only and not _forks()):
        for index, item in enumerate(items):
            results.append(function(context, item))
            if progress:
                progress(index + 1, total)
        return results
    # Imported here: multiprocessing costs ~2 MiB in every process that only discovers files
    # or checks them one by one (the editor's scan helper).
    from concurrent.futures import ProcessPoolExecutor

    chunk = max(1, min(64, total // (jobs * 8)))
    with ProcessPoolExecutor(max_workers=jobs, initializer=_install, initargs=(context,)) as pool:
        for index, result in enumerate(pool.map(partial(_with_installed, function), items, chunksize=chunk)):
            results.append(result)
            if progress:
                progress(index + 1, total)
    return results


def _forks() -> bool:
    import multiprocessing

    return multiprocessing.get_start_method() == "fork"


_INSTALLED: Any = None  # in a worker process: the context of the run that started it


def _install(context: Any) -> None:
    """A worker keeps its run's context (its config store, with the registries it compiles) for its life."""
    global _INSTALLED
    _INSTALLED = context


def _with_installed(function: Callable[[Any, A], T], item: A) -> T:
    return function(_INSTALLED, item)


def display_path(path: Path) -> str:
    """A path relative to the current folder with `/` separators (absolute if outside)."""
    relative = os.path.relpath(path)
    if relative.startswith(".."):
        return Path(path).as_posix()
    return Path(relative).as_posix()


class Progress:
    """A one-line progress bar on stderr, shown only when stderr is a terminal."""

    def __init__(self, label: str, enabled: Optional[bool] = None):
        self.label = label
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._last = -1

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total == 0:
            return
        percent = done * 100 // total
        if percent == self._last and done != total:
            return
        self._last = percent
        width = 30
        filled = width * done // total
        sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done == total:
            sys.stderr.write("\r" + " " * (len(self.label) + width + 20) + "\r")
        sys.stderr.flush()


def select(violations: Iterable[Violation], selected: list[str], ignored: list[str]) -> list[Violation]:
    """Filter by rule id prefixes, as `--select` / `--ignore` ask."""
    def matches(code: str, prefixes: list[str]) -> bool:
        return any(code == p or code.startswith(p) for p in prefixes)

    return [
        v for v in violations
        if (not selected or matches(v.code, selected)) and not matches(v.code, ignored)
    ]


# -- check --phase --------------------------------------------------------------------
def only_phase(found: list[tuple[str, Violation]], name: str,
               store: ConfigStore) -> tuple[list[tuple[str, Violation]], Optional[str]]:
    """The violations of `found` in phase `name`, or an error when no config declares it.

    `store`: the run's configurations (the current folder's declares phases too)."""
    known: set[str] = {REST}

    def config_in(folder: str) -> Optional[Config]:
        config = store.config_in(folder)
        if config is not None:
            known.update(phase.name for phase in config.phases)
        return config

    config_in(os.getcwd())
    kept = []
    for path, violation in found:
        config = config_in(os.path.dirname(os.path.abspath(path)))
        if config is not None and phase_of_violation(config, Path(path), violation.code) == name:
            kept.append((path, violation))
    if name not in known:
        return [], f"no phase named {name!r} (declared: {', '.join(sorted(known))})"
    return kept, None


def read_error(reason: str) -> Violation:
    """The entry that reports a file which could not be read or decoded (line 1, column 1)."""
    return Violation(READ_ERROR, "error", Span(0, 0, 0, 0), f"cannot read the file: {reason}", "error")
