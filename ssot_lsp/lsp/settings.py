"""Client settings of the language server, declared once with their typed defaults (SPEC §5).

They arrive through `workspace/configuration` (section "ssot") and, for clients that
cannot answer that request early, through `initializationOptions`. The VS Code
extension's `package.json` mirrors these keys one-to-one. A value of the wrong type or
out of range, and an unknown key of the "ssot" section, is not applied: `Settings.update`
returns it as a `SettingProblem` (the server shows it to the user) and applies the rest.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, replace
from typing import Any, Mapping

SECTION = "ssot"
SCOPE_OPEN_FILES = "openFiles"
SCOPE_WORKSPACE = "workspace"
SCOPES = (SCOPE_OPEN_FILES, SCOPE_WORKSPACE)

# Settings of the same section that an editor client reads to start the server; the server
# ignores them. The VS Code extension declares them in package.json beside those of Settings.
CLIENT_SETTINGS = ("importStrategy", "interpreter", "path", "serverArgs", "showNotifications", "trace.server")


def _setting(default: Any, expected: str) -> Any:
    return field(default=default, metadata={"expected": expected})


@dataclass(frozen=True)
class Settings:
    """`ssot.*` settings; the attribute's camelCase form is the setting key."""

    # which files get diagnostics
    diagnosticScope: str = _setting(SCOPE_OPEN_FILES, " or ".join(json.dumps(scope) for scope in SCOPES))
    # wait this long after the last edit before checking a document
    debounceMs: int = _setting(150, "a number of milliseconds, 0 or more")
    # how long completion waits for jedi before answering without it
    completionBudgetMs: int = _setting(200, "a number of milliseconds, 0 or more")
    # add jedi's ordinary completions after the registry's items
    jediCompletion: bool = _setting(True, "true or false")
    # scan the workspace folders in the background when the server starts
    scanOnStartup: bool = _setting(True, "true or false")

    def update(self, raw: Any, section: bool = False) -> tuple["Settings", list["SettingProblem"]]:
        """These settings with the valid keys of `raw` applied, and what was not applied.

        `section`: `raw` is known to be the "ssot" section (the answer to
        `workspace/configuration`), so a key it does not know is a problem; otherwise
        (`initializationOptions`, `didChangeConfiguration`) only the "ssot" key, when
        there is one, is read that strictly.
        """
        if raw is None:
            return self, []
        if not isinstance(raw, Mapping):
            return self, [SettingProblem(SECTION, raw, "an object of ssot.* settings")]
        if isinstance(raw.get(SECTION), Mapping):
            raw, section = raw[SECTION], True
        changes: dict[str, Any] = {}
        problems: list[SettingProblem] = []
        for spec in fields(self):
            value = raw.get(spec.name)
            if value is None:
                continue
            valid = _valid(value, getattr(self, spec.name))
            if valid is None:
                problems.append(SettingProblem(f"{SECTION}.{spec.name}", value, spec.metadata["expected"]))
            else:
                changes[spec.name] = valid
        if section:
            problems.extend(SettingProblem(f"{SECTION}.{key}", raw[key], "one of " + ", ".join(sorted(known_keys())))
                            for key in raw if key not in known_keys() and key.split(".")[0] not in _client_roots())
        return replace(self, **changes), problems

    @property
    def workspace_scope(self) -> bool:
        return self.diagnosticScope == SCOPE_WORKSPACE


def _valid(value: Any, default: Any) -> Any:
    """`value` as the setting's type, or None when it is not a valid value for a setting with this default."""
    if isinstance(default, bool):
        return value if isinstance(value, bool) else None
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            return None
        return int(value)
    return value if value in SCOPES else None  # the one string setting: diagnosticScope


def known_keys() -> set[str]:
    return {spec.name for spec in fields(Settings)}


def _client_roots() -> set[str]:
    """The first part of each client setting's key (`trace.server` arrives as `{"trace": {"server": ...}}`)."""
    return {key.split(".")[0] for key in CLIENT_SETTINGS}


@dataclass(frozen=True)
class SettingProblem:
    """A client setting that was not applied: its key, the value sent and what is expected."""

    key: str
    value: Any
    expected: str

    def __str__(self) -> str:
        try:
            shown = json.dumps(self.value)
        except (TypeError, ValueError):
            shown = repr(self.value)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        return f"{self.key} = {shown} ignored: expected {self.expected}"
