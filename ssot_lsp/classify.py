"""What the fix planner can do for each finding of a full analysis (SPEC §12).

Every full analysis (`engine.analyze`) asks this, so a violation's `fix` says truthfully
what `ssot-lsp fix` will do: `auto`, `unsafe`, `manual`, or null when the planner refuses
it (the reason is kept on the finding). The plans are kept on the analysis, keyed by
`fix_key`, for the fixer to use without planning again.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Optional

from .model import FIX_AUTO, FIX_MANUAL, Fix, FixKey, Violation
from .planner import NoFix, Planner

if TYPE_CHECKING:
    from .engine import Checked
    from .registry import Registry


def fix_key(violation: Violation) -> FixKey:
    return violation.code, violation.span


def classify(text: str, checked: Checked, registry: Registry) -> None:
    """Set each fixable finding's status to what the planner can do, and keep the plans."""
    candidates = [i for i, f in enumerate(checked.findings)
                  if f.violation.fix == FIX_AUTO or (f.violation.fix == FIX_MANUAL and f.choice is not None)]
    if not candidates:
        return
    try:
        planner = Planner(text, checked, registry)
    except NoFix:
        return
    for index in candidates:
        finding = checked.findings[index]
        try:
            fix: Optional[Fix] = planner.plan(finding)
            status: Optional[str] = fix.status if fix is not None else None
            note = ""
        except NoFix as exc:
            fix, status, note = None, None, str(exc)
        violation = finding.violation if status == finding.violation.fix else replace(finding.violation, fix=status)
        if fix is not None:
            fix = replace(fix, violation=violation)
        checked.findings[index] = replace(finding, violation=violation, note=note)
        checked.plans[fix_key(violation)] = fix
