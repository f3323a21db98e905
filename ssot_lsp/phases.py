"""Migration phases (SPEC §14): which part of the codebase each step of a campaign covers.

`[[tool.ssot-lsp.phases]]` declares `name`, `paths` (gitignore-style globs relative to
the config folder), optional `rules` (ids or id prefixes) and optional `deadline`
(YYYY-MM-DD). A file belongs to the first phase whose `paths` match it; a violation
belongs to the first phase whose `paths` match its file and whose `rules` (when given)
match its code. Everything else forms the phase `rest`, always listed last.

This module validates the table, assigns files and violations, and builds the report's
`by_phase` rows; the report, `check --phase` and the history call it.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Optional

from .model import FIX_AUTO, FIX_MANUAL, FIX_UNSAFE, Violation

if TYPE_CHECKING:
    from .config import Config

REST = "rest"
PHASE_KEYS = {"name": str, "paths": list, "rules": list, "deadline": str}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Phase:
    name: str
    paths: tuple[str, ...]
    rules: tuple[str, ...] = ()
    deadline: Optional[str] = None  # YYYY-MM-DD

    def covers_code(self, code: str) -> bool:
        return not self.rules or any(code == rule or code.startswith(rule) for rule in self.rules)


def parse_phases(raw: Any, error: Callable[[str, str], None]) -> tuple[Phase, ...]:
    """Validate `phases` (an array of tables); problems go to `error(key, reason)`."""
    if not isinstance(raw, list):
        return ()
    phases: list[Phase] = []
    seen: set[str] = set()
    for index, table in enumerate(raw):
        key = f"phases[{index}]"
        if not isinstance(table, dict):
            error(key, "must be a table")
            continue
        bad = _collector(key, error)
        for sub, value in table.items():
            expected = PHASE_KEYS.get(sub)
            if expected is None:
                bad.add(sub, f"unknown key (expected one of: {', '.join(PHASE_KEYS)})")
            elif not isinstance(value, expected):
                bad.add(sub, f"must be {'a string' if expected is str else 'an array'}")
        for required in ("name", "paths"):
            if required not in table:
                bad.add(required, "required key is missing")
        if bad.count:
            continue
        name = table["name"]
        if name == REST or name in seen or not name.strip():
            bad.add("name", f"{name!r} is reserved or already used" if name.strip() else "must not be empty")
        seen.add(name)
        for sub in ("paths", "rules"):
            for item_index, item in enumerate(table.get(sub, [])):
                if not isinstance(item, str) or not item.strip():
                    bad.add(f"{sub}[{item_index}]", "must be a non-empty string")
        deadline = table.get("deadline")
        if deadline is not None and not _valid_date(deadline):
            bad.add("deadline", f"{deadline!r} is not a date (YYYY-MM-DD)")
        if bad.count:
            continue
        phases.append(Phase(name, tuple(table["paths"]), tuple(table.get("rules", [])), deadline))
    return tuple(phases)


class _collector:
    def __init__(self, key: str, error: Callable[[str, str], None]):
        self.key, self.error, self.count = key, error, 0

    def add(self, sub: str, reason: str) -> None:
        self.count += 1
        self.error(f"{self.key}.{sub}", reason)


def _valid_date(text: str) -> bool:
    if not _DATE.match(text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


# -- assignment -----------------------------------------------------------------------
def phase_of_file(config: Config, path: Path) -> str:
    """The phase a file belongs to (by `paths` only)."""
    for phase in config.phases:
        if config.matches(phase.paths, path):
            return phase.name
    return REST


def phase_of_violation(config: Config, path: Path, code: str) -> str:
    """The phase a violation belongs to: its file's paths and its code must both match."""
    for phase in config.phases:
        if config.matches(phase.paths, path) and phase.covers_code(code):
            return phase.name
    return REST


def declared(configs: Iterable[Config]) -> list[Phase]:
    """The phases of several configurations, first declaration of each name winning."""
    phases: dict[str, Phase] = {}
    for config in configs:
        for phase in config.phases:
            phases.setdefault(phase.name, phase)
    return list(phases.values())


# -- the report's rows ----------------------------------------------------------------
@dataclass(frozen=True)
class Counted:
    """What one file contributes to `by_phase`: its phase, names and violations' phases."""

    phase: str
    governed: int
    canonical: int
    violations: tuple[tuple[str, Optional[str]], ...]  # (phase, fix) per violation


def count_file(config: Config, path: Path, governed: int, canonical: int, violations: Iterable[Violation]) -> Counted:
    return Counted(
        phase_of_file(config, path), governed, canonical,
        tuple((phase_of_violation(config, path, v.code), v.fix) for v in violations),
    )


def by_phase(phases: list[Phase], counted: Iterable[Counted], today: Optional[datetime.date] = None) -> list[dict[str, Any]]:
    """The `by_phase` rows: declared phases in order, then `rest`."""
    today = today or datetime.date.today()
    rows = {phase.name: _empty(phase.name, phase.deadline) for phase in phases}
    rows[REST] = _empty(REST, None)
    for item in counted:
        row = rows.setdefault(item.phase, _empty(item.phase, None))
        row["files"] += 1
        row["total"] += item.governed
        row["canonical"] += item.canonical
        for phase, fix in item.violations:
            target = rows.setdefault(phase, _empty(phase, None))
            target["violations"] += 1
            bucket = {FIX_AUTO: "auto", FIX_UNSAFE: "unsafe", FIX_MANUAL: "manual"}.get(fix or "", "none")
            target[bucket] += 1
    for row in rows.values():
        row["score"] = 100.0 if row["total"] == 0 else round(100.0 * row["canonical"] / row["total"], 1)
        row["on_track"] = _on_track(row, today)
    return list(rows.values())


def _empty(name: str, deadline: Optional[str]) -> dict[str, Any]:
    return {"name": name, "files": 0, "violations": 0, "auto": 0, "unsafe": 0, "manual": 0, "none": 0,
            "canonical": 0, "total": 0, "score": 100.0, "deadline": deadline}


def _on_track(row: dict[str, Any], today: datetime.date) -> Optional[bool]:
    """Done phases are on track; open ones are while their deadline has not passed."""
    if row["violations"] == 0:
        return True
    if row["deadline"] is None:
        return None
    return today <= datetime.date.fromisoformat(row["deadline"])
