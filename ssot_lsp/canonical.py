"""The canonical symbols: every public name a module of `canonical-modules` binds (SPEC §2).

A canonical module's public names are its `__all__` when it defines one; where it
imports a name from is that symbol's origin, and its identity is the defining qualified
name with re-exports followed. The registry keeps these for matching and completion;
rule inference asks for them too, to write a replacement as its canonical path.
"""

from __future__ import annotations

from dataclasses import dataclass

from .config import Config
from .model import ConfigError
from .modules import Workspace


@dataclass(frozen=True)
class CanonicalSymbol:
    """A name the canonical module offers, and where it comes from."""

    name: str  # the name the canonical module binds
    module: str  # the canonical module
    origin: str  # the module it imports the name from (as written there)
    identity: str  # the defining qualified name, re-exports followed


def canonical_symbols(config: Config, workspace: Workspace) -> tuple[dict[str, CanonicalSymbol], list[ConfigError]]:
    """Canonical symbols by identity, and a problem for each canonical module that was not found."""
    symbols: dict[str, CanonicalSymbol] = {}
    problems: list[ConfigError] = []
    for index, module in enumerate(config.canonical_modules):
        exports = workspace.exports(module)
        if exports is None:
            problems.append(
                ConfigError(str(config.path), f"canonical-modules[{index}]",
                            f"module {module!r} not found under src {[str(p) for p in config.src]}")
            )
            continue
        for name in exports.public():
            target = exports.names.get(name)
            if target is None:
                origin, identity = module, f"{module}.{name}"
            else:
                origin = target.rsplit(".", 1)[0]
                identity = workspace.canonicalize(target)
            symbols.setdefault(identity, CanonicalSymbol(name, module, origin, identity))
    return symbols, problems
