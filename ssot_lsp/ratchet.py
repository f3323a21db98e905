"""The ratchet (SPEC §14): a baseline that only shrinks, and each result's baseline state.

`ssot-lsp baseline --update` keeps, for every recorded key, the smaller of the recorded
count and today's count: violations that were fixed leave the baseline, new ones never
enter it (a CI job on the main branch can run it after every merge). With `--baseline`,
SARIF results say whether they are `new` or `unchanged`, and recorded violations no
longer found come back as results whose `baselineState` is `absent`.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

from . import baseline
from .model import Violation, ViolationKey

NEW, UNCHANGED, ABSENT = "new", "unchanged", "absent"


@dataclass
class Ratchet:
    """What `--update` did: entries (violations) kept and removed."""

    kept: int
    removed: int


def update(found: list[tuple[str, Violation]], path: Path, loader: Optional[baseline.Loader] = None) -> Ratchet:
    """Shrink the baseline `path` to what `found` still matches; never adds a violation."""
    recorded = baseline.load(path)
    folder = Path(os.path.abspath(path)).parent
    current = Counter(key for key, _ in baseline.keys_of(found, folder, loader))
    kept = Counter({key: min(count, current[key]) for key, count in recorded.items() if current[key]})
    baseline.write_counts(kept, path)
    total_kept = sum(kept.values())
    return Ratchet(total_kept, sum(recorded.values()) - total_kept)


@dataclass
class States:
    """Every violation found with its baseline state, and the recorded ones no longer found."""

    found: list[tuple[str, Violation]] = field(default_factory=list)
    state: dict[ViolationKey, str] = field(default_factory=dict)  # new / unchanged
    absent: list[dict[str, str]] = field(default_factory=list)  # {file (display path), code, text, source}


def states(found: list[tuple[str, Violation]], path: Path, loader: Optional[baseline.Loader] = None) -> States:
    """Compare `found` with the baseline `path` (the multiset match `check --baseline` uses)."""
    remaining = baseline.load(path)
    folder = Path(os.path.abspath(path)).parent
    result = States()
    for key, (shown, violation) in baseline.keys_of(found, folder, loader):
        result.found.append((shown, violation))
        if remaining[key] > 0:
            remaining[key] -= 1
            result.state[(shown, violation.code, violation.span)] = UNCHANGED
        else:
            result.state[(shown, violation.code, violation.span)] = NEW
    for (file, code, text, source), count in sorted(remaining.items()):
        shown = Path(os.path.relpath(folder / file)).as_posix()
        result.absent.extend({"file": shown, "code": code, "text": text, "source": source}
                             for _ in range(count))
    return result


def sarif_results(states_: States, results: list[dict[str, Any]],
                  location: Callable[[str], dict[str, str]]) -> list[dict[str, Any]]:
    """`results` (one per `states_.found` item, same order) marked, then the absent ones."""
    for result, (shown, violation) in zip(results, states_.found):
        result["baselineState"] = states_.state[(shown, violation.code, violation.span)]
    for entry in states_.absent:
        results.append({
            "ruleId": entry["code"],
            "level": "none",
            "message": {"text": f"Fixed since the baseline: {entry['text']} (was: {entry['source']})"},
            "locations": [{"physicalLocation": {"artifactLocation": location(entry["file"])}}],
            "baselineState": ABSENT,
        })
    return results


def run_update(found: list[tuple[str, Violation]], path: Path, loader: Optional[baseline.Loader] = None) -> int:
    """`ssot-lsp baseline --update`: 0 on success, 2 when the baseline is missing or unreadable."""
    import sys

    try:
        outcome = update(found, path, loader)
    except (OSError, ValueError) as exc:
        print(f"error: {path}: {exc}", file=sys.stderr)
        return 2
    print(f"Removed {outcome.removed} fixed violation{'s' if outcome.removed != 1 else ''} from {path}; "
          f"{outcome.kept} remain{'s' if outcome.kept == 1 else ''}.")
    return 0
