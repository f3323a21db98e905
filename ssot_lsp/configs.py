"""Which configuration and registry govern a file: the one store the CLI and the server share (SPEC §2, §5).

A file's config is the first `ssot.toml` (or `pyproject.toml` with `[tool.ssot-lsp]`)
from its folder upwards, unless one is forced (`--config`); every folder is looked up
once. A config file is read again only when its modification time or size changes, and
one compiled `Registry` is kept per config file, rebuilt when the config changes. All
registries share one overlay table holding the unsaved text of the editor's open
documents, so re-exports and canonical modules follow what the user is typing.

Batch runs also keep here each registry's pre-filter (`prefilter.py`), built with the
overlays, and limit the registry to its trigger names; a change that may alter
re-exports drops it, and the next batch builds it again.

Lifetime: a CLI command creates one store for its run (worker processes inherit it when
forked, or start an empty one when spawned); the language server owns one for its
session, and each helper process keeps its own.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional, Union

from .config import Config, config_file_in, load_config
from .model import ConfigError, ConfigurationError
from .modules import Workspace
from .prefilter import FileMapper, Prefilter, batch_filter, import_texts
from .registry import Registry
from .source import read_source


@dataclass
class Lookup:
    """The registry for a file, or the configuration errors that stop it being used."""

    config_path: Optional[Path] = None
    registry: Optional[Registry] = None
    errors: list[ConfigError] = field(default_factory=list)


class ConfigStore:
    """Config file per folder, Config and Registry per config file, shared editor overlays."""

    def __init__(self, forced: Optional[Path] = None) -> None:
        self.forced = Path(os.path.abspath(forced)) if forced is not None else None
        self.overlays: dict[Path, str] = {}
        self._by_folder: dict[str, Optional[Path]] = {}
        self._configs: dict[Path, tuple[object, Union[Config, ConfigurationError]]] = {}
        self._registries: dict[Path, Registry] = {}
        self._filters: dict[Path, tuple[Registry, Prefilter]] = {}
        self._parsed: dict[Path, list[int]] = {}  # per config: [files parsed, of them with a fixable violation]
        self.filter_generation = 0  # counts the pre-filters dropped because re-exports may have changed

    def __getstate__(self) -> dict[str, Any]:
        # A spawned worker process gets the settings, not the caches (a forked one inherits everything).
        return {"forced": self.forced, "overlays": dict(self.overlays)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        ConfigStore.__init__(self, state["forced"])
        self.overlays.update(state["overlays"])

    # -- config files ------------------------------------------------------------------
    def config_path_in(self, folder: str, names: Optional[Iterable[str]] = None) -> Optional[Path]:
        """The config file governing `folder` (absolute); `names`: its file names, if listed already."""
        if self.forced is not None:
            return self.forced
        # A folder without its own config inherits its parent's answer (asked once).
        if folder not in self._by_folder:
            found = config_file_in(folder, names)
            parent = os.path.dirname(folder)
            if found is None and parent != folder:
                found = self.config_path_in(parent)
            self._by_folder[folder] = found
        return self._by_folder[folder]

    def config_path_for(self, path: Union[str, Path]) -> Optional[Path]:
        """The config file governing a file (its folder) or a folder."""
        absolute = os.path.abspath(path)
        return self.config_path_in(absolute if os.path.isdir(absolute) else os.path.dirname(absolute))

    def load(self, config_path: Path) -> Config:
        """The validated config at `config_path`, read again only when the file changed; raises ConfigurationError."""
        config_path = Path(os.path.abspath(config_path))
        try:
            status = config_path.stat()
            stamp: object = (status.st_mtime_ns, status.st_size)
        except OSError:
            stamp = None
        cached = self._configs.get(config_path)
        if cached is None or cached[0] != stamp or stamp is None:
            try:
                outcome: Union[Config, ConfigurationError] = load_config(config_path)
            except ConfigurationError as exc:
                outcome = exc
            cached = self._configs[config_path] = (stamp, outcome)
        if isinstance(cached[1], ConfigurationError):
            raise cached[1]
        return cached[1]

    def config_in(self, folder: str, names: Optional[Iterable[str]] = None) -> Optional[Config]:
        """The config governing `folder`; None when there is none or it is broken (see `errors`)."""
        config_path = self.config_path_in(folder, names)
        if config_path is None:
            return None
        try:
            return self.load(config_path)
        except ConfigurationError:
            return None

    @property
    def errors(self) -> list[ConfigError]:
        """The errors of every config file this store read and found broken."""
        return [error for _, outcome in self._configs.values() if isinstance(outcome, ConfigurationError)
                for error in outcome.errors]

    # -- registries --------------------------------------------------------------------
    def registry(self, config: Config) -> Registry:
        """The compiled registry of `config` (one per config file, rebuilt when the config changed)."""
        registry = self._registries.get(config.path)
        if registry is None or registry.config is not config:
            workspace = Workspace(config.src)
            workspace.overlays = self.overlays  # before the registry reads any file (inferred rules)
            registry = Registry(config, workspace)
            self._registries[config.path] = registry
            self._filters.pop(config.path, None)
        return registry

    def lookup(self, path: Path) -> Lookup:
        """The registry governing the file `path`, or why there is none usable."""
        config_path = self.config_path_in(os.path.dirname(os.path.abspath(path)))
        if config_path is None:
            return Lookup()
        try:
            config = self.load(config_path)
        except ConfigurationError as exc:
            self._registries.pop(config_path, None)
            return Lookup(config_path, None, list(exc.errors))
        registry = self.registry(config)
        problems = registry_problems(registry)
        if problems:
            return Lookup(config_path, None, problems)
        return Lookup(config_path, registry)

    def registries(self) -> list[Registry]:
        return list(self._registries.values())

    def batch_filter(self, registry: Registry, map_files: Optional[FileMapper] = None) -> Prefilter:
        """The registry's pre-filter, with the registry limited to its trigger names (batch runs).

        Built with the open documents' unsaved text, and again after a change that may have
        altered re-exports (the registry then forgets its limit: see `Registry.invalidate`).
        `map_files`: how the workspace's files are read for it (`prefilter.workspace_reexports`).
        """
        cached = self._filters.get(registry.config.path)
        if cached is not None and cached[0] is registry:
            return cached[1]
        overlaid = {path: text for path, text in self.overlays.items()
                    if any(root == path.parent or root in path.parents for root in registry.workspace.src)}
        prefilter = batch_filter(registry, overlaid, map_files)
        self._filters[registry.config.path] = (registry, prefilter)
        return prefilter

    def parse_history(self, registry: Registry) -> list[int]:
        """[files parsed, of them with a fixable violation] of this registry in batch runs (`batch.check_file`)."""
        return self._parsed.setdefault(registry.config.path, [0, 0])

    # -- changes -----------------------------------------------------------------------
    def set_overlay(self, path: Path, text: Optional[str]) -> None:
        """Record (or, with None, forget) a document's unsaved text."""
        path = Path(os.path.abspath(path))
        before = self.overlays.get(path)
        if text is None:
            if self.overlays.pop(path, None) is None:
                return
        elif before == text:
            return
        else:
            self.overlays[path] = text
        imports = self._filters and _imports(before, path) != _imports(text, path)
        self.module_changed(path, content_only=True, imports=bool(imports))

    def module_changed(self, path: Path, content_only: bool = False, imports: bool = True) -> None:
        """A module changed (on disk, or its overlay); `imports`: its import statements (what it re-exports) may have."""
        absolute = Path(os.path.abspath(path))
        for config_path, registry in self._registries.items():
            registry.invalidate(absolute, content_only)
            cached = self._filters.get(config_path)
            # The registry forgets its limit when re-exports may have changed; the pre-filter
            # also depends on every import of the workspace's modules (a disabled one, without
            # a limit, cannot tell either): then it is built again.
            inside = any(root == absolute.parent or root in absolute.parents for root in registry.workspace.src)
            if cached is not None and (registry.relevant is None or (imports and inside)):
                del self._filters[config_path]
                registry.limit_to(None)
                self.filter_generation += 1

    def config_changed(self) -> None:
        """A config file appeared, changed or went away: look everything up again."""
        self._by_folder.clear()
        self._registries.clear()
        self._filters.clear()
        self.filter_generation += 1

    def affects_others(self, path: Path) -> bool:
        """Whether editing `path` can change other files' results (re-exports, canonical modules)."""
        if path.name.startswith("__init__."):
            return True
        absolute = Path(os.path.abspath(path))
        if any(r.inference is not None and r.inference.holds_evidence(absolute) for r in self._registries.values()):
            return True  # its deprecations are rules for other files
        return any(absolute in registry.canonical_modules_paths() for registry in self._registries.values())


def registry_problems(registry: Registry) -> list[ConfigError]:
    """What stops a registry from being used: canonical modules that are not found under `src`."""
    _ = registry.canonical  # reading the canonical modules reports the missing ones
    return list(registry.problems)


def _imports(text: Optional[str], path: Path) -> Optional[list[bytes]]:
    """The import statements of a module's text (its file's when `text` is None), as written."""
    try:
        data = read_source(path) if text is None else text.encode("utf-8", "surrogatepass")
    except OSError:
        return None
    return import_texts(data)
