"""The fix engine's entry points: which fixes a document has, and applying them all (SPEC §4, §12).

One planner (planner.py) plans every fix from one full analysis; everything here builds on
it, so the CLI's `fix`, SARIF, the editor's quick fixes and fix-all agree:
- `classify` (classify.py) runs inside every full analysis and sets each violation's `fix` to what the
  planner can do (`auto`, `unsafe`, `manual`, or None with the reason), so what `check`,
  diagnostics and SARIF call automatic is what `fix` applies;
- `plan_fix` / `plan_fixes` give gated fixes for quick fixes and SARIF;
- `fix_all` composes the fixes planned from one analysis (non-overlapping edits, distinct
  bound names), gates the result once, and repeats on what is left until nothing applies.
The gate: the fixed text parses and a re-check no longer reports the fixed violations.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, Union

from .classify import classify, fix_key
from .config import Config
from .edits import OverlappingEdits, apply_edits
from .engine import Checked, Finding, analyze, registry_for
from .model import FIX_AUTO, FIX_MANUAL, FIX_UNSAFE, Edit, Fix, FixKey, Violation
from .planner import NoFix, Planner
from .registry import Registry

log = logging.getLogger("ssot_lsp.fixer")

__all__ = ["FixAllResult", "NoFix", "classify", "fix_all", "plan_fix", "plan_fixes", "safety_problem"]


@dataclass
class FixAllResult:
    """The text after every automatic fix, and what happened to each violation."""

    text: str
    applied: list[Violation] = field(default_factory=list)
    manual: list[Violation] = field(default_factory=list)
    skipped: list[tuple[Violation, str]] = field(default_factory=list)  # automatic, yet not applied
    unfixable: list[tuple[Violation, str]] = field(default_factory=list)  # the planner refused, with why
    unsafe: list[Violation] = field(default_factory=list)  # left because unsafe fixes were not asked for
    not_parsed: Optional[str] = None  # the file does not parse: nothing was fixed

    @property
    def changed(self) -> bool:
        return bool(self.applied)


# -- single fixes (quick fixes, SARIF) ----------------------------------------------------
def plan_fixes(text: str, checked: Checked, registry: Registry, *, snippets: bool = False) -> list[Fix]:
    """One gated `Fix` per finding that has one (automatic, unsafe or manual)."""
    fixes = []
    for finding in checked.findings:
        if finding.violation.fix is None:
            continue
        fix, reason = plan_fix(text, checked, registry, finding, snippets=snippets)
        if fix is None:
            log.info("no fix for %s at %s: %s", finding.violation.code, _where(finding.violation), reason)
        else:
            fixes.append(fix)
    return fixes


def plan_fix(text: str, checked: Checked, registry: Registry, finding: Finding, *,
             snippets: bool = False) -> tuple[Optional[Fix], str]:
    """The gated fix of one finding, or None and the reason there is none."""
    if finding.violation.fix is None:
        return None, finding.note or "no automatic fix"
    fix = checked.plans.get(fix_key(finding.violation))
    try:
        planner = Planner(text, checked, registry)
        if fix is None:
            fix = planner.plan(finding)
        reason = safety_problem(text, checked, registry, [fix])
        if reason:
            return None, reason
        if snippets and fix.manual:  # the gate read the plain text; tab stops do not parse
            fix = planner.plan(finding, snippets=True)
    except NoFix as exc:
        return None, str(exc)
    return fix, ""


# -- fix all ------------------------------------------------------------------------------
def fix_all(text: str, path: Optional[Union[str, Path]], config_or_registry: Union[Config, Registry], *,
            only: Optional[Callable[[Violation], bool]] = None, unsafe_fixes: bool = False) -> FixAllResult:
    """Apply every automatic fix (of the violations `only` accepts); unsafe ones only with `unsafe_fixes`."""
    registry = config_or_registry if isinstance(config_or_registry, Registry) else registry_for(config_or_registry)
    result = FixAllResult(text)
    try:
        return _fix_all(result, path, registry, only, unsafe_fixes)
    except RecursionError:  # code nested deeper than the analysis goes: nothing is changed
        return FixAllResult(text, not_parsed="too deeply nested to analyse")


def _fix_all(result: FixAllResult, path: Optional[Union[str, Path]], registry: Registry,
             only: Optional[Callable[[Violation], bool]], unsafe_fixes: bool) -> FixAllResult:
    text = result.text
    checked = analyze(text, path, registry)
    if checked.analysis is None:
        return result
    if checked.analysis.broken_lines:
        result.not_parsed = f"syntax error at line {checked.analysis.broken_lines[0] + 1}"
    used_before = {(n.bound, n.target) for s in checked.analysis.imports for n in s.names if n.references}
    wanted_status = (FIX_AUTO, FIX_UNSAFE) if unsafe_fixes else (FIX_AUTO,)
    reasons: dict[FixKey, str] = {}
    rounds = 2 * len(checked.findings) + 4  # each round applies at least one fix
    while not result.not_parsed:
        plans = [fix for f in checked.findings
                 if f.violation.fix in wanted_status and (only is None or only(f.violation))
                 and fix_key(f.violation) not in reasons
                 for fix in [checked.plans.get(fix_key(f.violation))] if fix is not None]
        if not plans:
            break
        if rounds == 0:
            for fix in plans:
                reasons[fix_key(fix.violation)] = "stopped: the fixes did not converge (a rule's replacement is flagged again?)"
            break
        rounds -= 1
        step = _apply_round(result.text, checked, registry, plans, reasons)
        if step is None:
            break
        result.text, applied, checked = step
        result.applied += applied
    if result.applied:
        result.text, checked = _remove_left_unused(result.text, checked, registry, used_before)
    for finding in checked.findings:
        violation = finding.violation
        if only is not None and not only(violation):
            continue
        if result.not_parsed and violation.fix is not None:
            result.unfixable.append((violation, f"the file does not parse ({result.not_parsed})"))
        elif violation.fix == FIX_MANUAL:
            result.manual.append(violation)
        elif violation.fix == FIX_UNSAFE and not unsafe_fixes:
            result.unsafe.append(violation)
        elif violation.fix in (FIX_AUTO, FIX_UNSAFE):
            result.skipped.append((violation, reasons.get(fix_key(violation), "no automatic fix applied")))
        elif finding.note:
            result.unfixable.append((violation, finding.note))
    return result


def _apply_round(text: str, checked: Checked, registry: Registry, plans: list[Fix],
                 reasons: dict[FixKey, str]) -> Optional[tuple[str, list[Violation], Checked]]:
    """Apply a composable batch of plans; fall back to the first one that passes alone."""
    batch = _compose(plans)
    outcome, _ = _gated(text, checked, registry, batch)
    if outcome is not None:
        return outcome[0], [fix.violation for fix in batch], outcome[1]
    for fix in plans:
        outcome, reason = _gated(text, checked, registry, [fix])
        if outcome is not None:
            return outcome[0], [fix.violation], outcome[1]
        reasons[fix_key(fix.violation)] = reason
    return None


def _remove_left_unused(text: str, checked: Checked, registry: Registry,
                        used_before: set[tuple[str, str]]) -> tuple[str, Checked]:
    """Drop the imports the applied fixes left unused together (see Planner.left_unused)."""
    changed = False
    for _ in range(64):
        try:
            edits, more = Planner(text, checked, registry).left_unused(used_before)
            fixed = apply_edits(text, edits) if edits else text
        except (NoFix, OverlappingEdits):
            break
        if fixed == text:
            break
        rechecked = analyze(fixed, checked.path, registry, classify_fixes=False)
        if not _parsed(rechecked) or len(rechecked.violations) > len(checked.violations):
            break
        text, checked, changed = fixed, rechecked, True
        if not more:
            break
    if changed:
        checked = analyze(text, checked.path, registry)
    return text, checked


def _compose(plans: list[Fix]) -> list[Fix]:
    """The plans that can be applied together: no two touch the same lines or bind the same name.

    Fixes that add the very same import (one edit, same place, same text) share it.
    """
    taken: list[tuple[int, int]] = []
    bound: set[str] = set()
    accepted: set[Edit] = set()
    created: set[str] = set()  # modules of the `from M import` statements this batch adds
    batch = []
    for fix in plans:
        new = [edit for edit in fix.edits if edit not in accepted]
        shared = [edit for edit in fix.edits if edit in accepted]
        lines = [(edit.span.start_line, edit.span.end_line) for edit in new]
        if any(start <= other_end and other_start <= end for start, end in lines for other_start, other_end in taken):
            continue
        overlap = bound.intersection(fix.binds)
        if overlap and not all(any(name in edit.text for edit in shared) for name in overlap):
            continue
        adds = {module for edit in new for module in _new_from_modules(edit)}
        if adds & created:
            continue  # next round, it joins the statement this one adds
        taken += lines
        bound.update(fix.binds)
        accepted.update(new)
        created.update(adds)
        batch.append(fix)
    return batch


def _new_from_modules(edit: Edit) -> list[str]:
    """The modules of `from M import ...` statements an edit writes."""
    return [line.split()[1] for line in edit.text.splitlines()
            if line.lstrip().startswith("from ") and " import " in line and len(line.split()) > 2]


def _edits_of(fixes: list[Fix]) -> list[Edit]:
    return list(dict.fromkeys(edit for fix in fixes for edit in fix.edits))


def _gated(text: str, checked: Checked, registry: Registry, fixes: list[Fix], *,
           classify_fixes: bool = True) -> tuple[Optional[tuple[str, Checked]], str]:
    """The fixed text and its analysis when the fixes pass the gate, else None and why not."""
    try:
        fixed = apply_edits(text, _edits_of(fixes))
    except OverlappingEdits as exc:
        return None, f"conflicting edits ({exc})"
    # Re-parses only what the fixes touched when it can (see source.reparse).
    rechecked = analyze(fixed, checked.path, registry, checked, classify_fixes=classify_fixes)
    if not _parsed(rechecked):
        return None, "the fixed text would not parse"
    if _still_reported(checked, rechecked, fixes):
        return None, "a re-check still reports the violation"
    return (fixed, rechecked), ""


def _still_reported(checked: Checked, rechecked: Checked, fixes: list[Fix]) -> bool:
    fixed_per_code: dict[str, int] = {}
    for fix in fixes:
        fixed_per_code[fix.violation.code] = fixed_per_code.get(fix.violation.code, 0) + 1
    for code, count in fixed_per_code.items():
        before = sum(1 for v in checked.violations if v.code == code)
        after = sum(1 for v in rechecked.violations if v.code == code)
        if after > before - count:
            return True
    return False


# -- the safety gate --------------------------------------------------------------------
def safety_problem(text: str, checked: Checked, registry: Registry, fixes: list[Fix]) -> str:
    """Why the fixes must not be applied together ('' when they are safe)."""
    return _gated(text, checked, registry, fixes, classify_fixes=False)[1]


def _parsed(checked: Checked) -> bool:
    """Whether the analysed text parsed as Python, without error recovery."""
    return checked.analysis is not None and not checked.analysis.broken_lines


def _where(violation: Violation) -> str:
    return f"{violation.span.start_line + 1}:{violation.span.start_col + 1}"
