"""Which registry governs a file, as the editor sees it (SPEC §2, §5).

Each file's config is looked up from its folder upwards, so every folder of a multi-root
workspace uses its own. One compiled Registry is kept per config file and rebuilt when
the file changes; all registries share one overlay table holding the unsaved text of the
open documents, so re-exports and canonical modules follow what the user is typing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..config import find_config_file, load_config
from ..model import ConfigError, ConfigurationError
from ..modules import Workspace
from ..registry import Registry


@dataclass
class Lookup:
    """The registry for a file, or the configuration errors that stop it being used."""

    config_path: Optional[Path] = None
    registry: Optional[Registry] = None
    errors: list[ConfigError] = field(default_factory=list)


class ConfigStore:
    """Config file per folder, Registry per config file, shared editor overlays."""

    def __init__(self) -> None:
        self.overlays: dict[Path, str] = {}
        self._config_paths: dict[Path, Optional[Path]] = {}
        self._registries: dict[Path, Registry] = {}

    def lookup(self, path: Path) -> Lookup:
        folder = Path(os.path.abspath(path)).parent
        if folder not in self._config_paths:
            self._config_paths[folder] = find_config_file(folder)
        config_path = self._config_paths[folder]
        if config_path is None:
            return Lookup()
        try:
            config = load_config(config_path)
        except ConfigurationError as exc:
            self._registries.pop(config_path, None)
            return Lookup(config_path, None, exc.errors)
        registry = self._registries.get(config_path)
        if registry is None or registry.config is not config:
            workspace = Workspace(config.src)
            workspace.overlays = self.overlays  # before the registry reads any file (inferred rules)
            registry = Registry(config, workspace)
            self._registries[config_path] = registry
        _ = registry.canonical  # reading the canonical modules reports missing ones
        if registry.problems:
            return Lookup(config_path, None, list(registry.problems))
        return Lookup(config_path, registry)

    def registries(self) -> list[Registry]:
        return list(self._registries.values())

    def set_overlay(self, path: Path, text: Optional[str]) -> None:
        """Record (or, with None, forget) a document's unsaved text."""
        path = Path(os.path.abspath(path))
        if text is None:
            if self.overlays.pop(path, None) is None:
                return
        elif self.overlays.get(path) == text:
            return
        else:
            self.overlays[path] = text
        self.module_changed(path, content_only=True)

    def module_changed(self, path: Path, content_only: bool = False) -> None:
        for registry in self._registries.values():
            registry.invalidate(path, content_only)

    def config_changed(self) -> None:
        """A config file appeared, changed or went away: look everything up again."""
        self._config_paths.clear()
        self._registries.clear()

    def affects_others(self, path: Path) -> bool:
        """Whether editing `path` can change other files' results (re-exports, canonical modules)."""
        if path.name.startswith("__init__."):
            return True
        absolute = Path(os.path.abspath(path))
        if any(r.inference is not None and r.inference.holds_evidence(absolute) for r in self._registries.values()):
            return True  # its deprecations are rules for other files
        return any(absolute in registry.canonical_modules_paths() for registry in self._registries.values())
