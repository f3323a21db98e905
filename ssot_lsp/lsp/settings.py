"""Client settings of the language server, declared once with their typed defaults (SPEC §5).

They arrive through `workspace/configuration` (section "ssot") and, for clients that
cannot answer that request early, through `initializationOptions`. The VS Code
extension's `package.json` mirrors these keys one-to-one.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any, Mapping

SECTION = "ssot"
SCOPE_OPEN_FILES = "openFiles"
SCOPE_WORKSPACE = "workspace"

# Settings of the same section that an editor client reads to start the server; the server
# ignores them. The VS Code extension declares them in package.json beside those of Settings.
CLIENT_SETTINGS = ("importStrategy", "interpreter", "path", "serverArgs", "showNotifications", "trace.server")


@dataclass(frozen=True)
class Settings:
    """`ssot.*` settings; the attribute's camelCase form is the setting key."""

    diagnosticScope: str = SCOPE_OPEN_FILES  # "openFiles" | "workspace": which files get diagnostics
    debounceMs: int = 150  # wait this long after the last edit before checking a document
    completionBudgetMs: int = 200  # how long completion waits for jedi before answering without it
    jediCompletion: bool = True  # add jedi's ordinary completions after the registry's items
    scanOnStartup: bool = True  # scan the workspace folders in the background when the server starts

    def update(self, raw: Any) -> "Settings":
        """These settings with the known, well-typed keys of `raw` applied (others ignored)."""
        if not isinstance(raw, Mapping):
            return self
        if isinstance(raw.get(SECTION), Mapping):
            raw = raw[SECTION]
        changes: dict[str, Any] = {}
        for spec in fields(self):
            value = raw.get(spec.name)
            default = getattr(self, spec.name)
            if value is None or isinstance(value, bool) != isinstance(default, bool):
                continue
            if isinstance(default, int) and isinstance(value, (int, float)) and value >= 0:
                changes[spec.name] = int(value)
            elif isinstance(value, type(default)):
                changes[spec.name] = value
        scope = changes.get("diagnosticScope")
        if scope is not None and scope not in (SCOPE_OPEN_FILES, SCOPE_WORKSPACE):
            del changes["diagnosticScope"]
        return replace(self, **changes)

    @property
    def workspace_scope(self) -> bool:
        return self.diagnosticScope == SCOPE_WORKSPACE
