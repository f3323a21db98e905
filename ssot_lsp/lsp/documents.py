"""Checking documents: the latest good result of each, computed off the event loop (SPEC §5).

A result belongs to one document version. Work on a version that a newer edit has
superseded is dropped; when a document cannot be parsed at all, its last good result
stays (diagnostics don't flicker while a line is half-typed). Engine work runs on one
worker thread, so the engine's caches are never touched concurrently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..engine import Checked, analyze
from ..model import ConfigError
from ..registry import Registry
from ..source import LineIndex
from .configs import ConfigStore


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
    fixes: Optional[dict] = None  # gated quick fixes by (code, span, snippets), planned on request

    @property
    def violations(self):
        return self.checked.violations


@dataclass
class DocumentState:
    """Per open document: the last good result and the version last published."""

    result: Optional[Result] = None
    published_version: Optional[int] = None
    pending: object = None  # the asyncio task of a debounced check
    stale: bool = False  # the config or another module changed: check again even at the same version


def check_text(configs: ConfigStore, path: Optional[Path], text: str, version: Optional[int],
               previous: Optional[Result] = None) -> Optional[Result]:
    """Check `text` as the contents of `path`; None when it could not be parsed at all."""
    lines = LineIndex(text)
    if path is None or path.suffix not in (".py", ".pyi"):
        return Result(version, text, lines, Checked(None))
    lookup = configs.lookup(path)
    if lookup.registry is None:
        return Result(version, text, lines, Checked(None), None, lookup.config_path, lookup.errors)
    registry = lookup.registry
    if registry.config.is_excluded(path):
        return Result(version, text, lines, Checked(None), registry, lookup.config_path)
    checked = analyze(text, path, registry, previous.checked if previous is not None else None)
    if checked.analysis is None:
        return None
    return Result(version, text, lines, checked, registry, lookup.config_path)
