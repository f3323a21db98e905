"""Batch runs over files: discovery, config lookup per file, parallel checking (SPEC §6).

Shared by `check`, `fix`, `baseline` and `report`. Workers are separate processes (the
engine is CPU-bound Python); each keeps its own config and registry caches.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, TypeVar

from .config import Config, config_file_in, find_config_file, load_config
from .model import ConfigError, ConfigurationError, Span, Violation
from .phases import REST, phase_of_violation

PYTHON_SUFFIXES = (".py", ".pyi")
# The code of a file that could not be read or decoded (ruff's E902): an error in every output.
READ_ERROR = "SSOT-E902"
T = TypeVar("T")
A = TypeVar("A")


@dataclass
class Discovery:
    """Files to check, each with its config, plus the configuration errors met on the way."""

    files: list[tuple[Path, Config]] = field(default_factory=list)
    errors: list[ConfigError] = field(default_factory=list)
    unconfigured: list[str] = field(default_factory=list)  # Python files no config governs
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path named, why it is not checked)


class ConfigLookup:
    """Finds the config that governs each folder, each folder and config file visited once."""

    def __init__(self, forced: Optional[Path] = None):
        self.forced = forced
        self._by_folder: dict[str, Optional[Path]] = {}
        self._configs: dict[Path, Optional[Config]] = {}
        self.errors: list[ConfigError] = []

    def config_for(self, path: Path) -> Optional[Config]:
        """The config governing a file or a folder (None when there is none or it is broken)."""
        return self.config_in(str(path if path.is_dir() else path.parent))

    def config_in(self, folder: str, names: Optional[Iterable[str]] = None) -> Optional[Config]:
        """The config governing `folder` (absolute); `names`: its file names, if listed already."""
        config_path = self.forced or self._config_path(folder, names)
        if config_path is None:
            return None
        if config_path not in self._configs:
            try:
                self._configs[config_path] = load_config(config_path)
            except ConfigurationError as exc:
                self._configs[config_path] = None
                self.errors.extend(exc.errors)
        return self._configs[config_path]

    def _config_path(self, folder: str, names: Optional[Iterable[str]] = None) -> Optional[Path]:
        # A folder without its own config inherits its parent's answer (asked once).
        if folder not in self._by_folder:
            found = config_file_in(folder, names)
            parent = os.path.dirname(folder)
            if found is None and parent != folder:
                found = self._config_path(parent)
            self._by_folder[folder] = found
        return self._by_folder[folder]


def discover(paths: Iterable[str], forced_config: Optional[Path] = None,
             extra_exclude: tuple[str, ...] = ()) -> Discovery:
    """Python files under `paths`, skipping excluded ones, each paired with its config.

    `extra_exclude`: gitignore-style patterns (relative to each config's folder) excluded
    on top of the config's own `exclude` (`--exclude` / `--extend-exclude`). A file named
    directly that is not Python or is excluded is listed in `skipped`, not checked.
    """
    lookup = ConfigLookup(forced_config)
    discovery = Discovery()
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


def _named_file_problem(path: str, lookup: ConfigLookup, extra_exclude: tuple[str, ...]) -> Optional[str]:
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


def _walk(start: str, lookup: ConfigLookup,
          extra_exclude: tuple[str, ...] = ()) -> Iterator[tuple[str, Optional[Config]]]:
    """Python files under `start` with their configs (a file named directly: itself; one that is
    not regular is yielded too, and refused when read)."""
    if not os.path.isdir(start):
        yield start, lookup.config_in(os.path.dirname(start))
        return
    excluders: dict[Path, Callable[[str], bool]] = {}
    for folder, dirs, files in os.walk(start):
        config = lookup.config_in(folder, files)
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


def parallel_map(function: Callable[[A], T], items: list[A], jobs: Optional[int],
                 progress: Optional[Callable[[int, int], None]] = None) -> list[T]:
    """`function` over `items` in worker processes (in order); inline for small runs."""
    jobs = jobs or os.cpu_count() or 1
    total = len(items)
    results: list[T] = []
    if jobs <= 1 or total < 16:
        for index, item in enumerate(items):
            results.append(function(item))
            if progress:
                progress(index + 1, total)
        return results
    chunk = max(1, min(64, total // (jobs * 8)))
    with ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker) as pool:
        for index, result in enumerate(pool.map(function, items, chunksize=chunk)):
            results.append(result)
            if progress:
                progress(index + 1, total)
    return results


def _start_worker() -> None:
    """A worker keeps the registries it compiles for its life (a forked one has its run's already)."""
    from .engine import ensure_registries

    ensure_registries()


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
               forced_config: Optional[Path]) -> tuple[list[tuple[str, Violation]], Optional[str]]:
    """The violations of `found` in phase `name`, or an error when no config declares it."""

    configs: dict[str, Optional[Config]] = {}
    known: set[str] = {REST}

    def config_for(path: str) -> Optional[Config]:
        folder = str(Path(path).resolve().parent)
        if folder not in configs:
            config_path = forced_config or find_config_file(Path(folder))
            loaded = configs[folder] = load_config(config_path) if config_path else None
            if loaded is not None:
                known.update(phase.name for phase in loaded.phases)
        return configs[folder]

    if forced_config is not None:
        config_for(str(forced_config))
    else:
        start = find_config_file(Path("."))
        if start is not None:
            known.update(phase.name for phase in load_config(start).phases)
    kept = []
    for path, violation in found:
        config = config_for(path)
        if config is not None and phase_of_violation(config, Path(path), violation.code) == name:
            kept.append((path, violation))
    if name not in known:
        return [], f"no phase named {name!r} (declared: {', '.join(sorted(known))})"
    return kept, None


def read_error(reason: str) -> Violation:
    """The entry that reports a file which could not be read or decoded (line 1, column 1)."""
    return Violation(READ_ERROR, "error", Span(0, 0, 0, 0), f"cannot read the file: {reason}", "error")
