"""Hover text for a flagged element: what is wrong, what replaces it, how to fix it (SPEC §5).

Pure: built from the violation and its rule; the language server only finds the violation
under the cursor and wraps the markdown.
"""

from __future__ import annotations

from typing import Optional

from .model import FIX_AUTO, FIX_MANUAL, FIX_UNSAFE, Rule, Violation


def hover_markdown(violation: Violation, rule: Optional[Rule] = None) -> str:
    """Markdown describing a violation for a hover popup."""
    parts = [f"**{violation.code}** ({violation.severity}): {violation.message}"]
    if violation.replacement:
        parts.append(f"**Replacement:** `{violation.replacement}`")
    if rule is not None and rule.kind == "call" and rule.templates:
        parts.append("**Rewritten as:** " + ", or ".join(f"`{template}`" for template in rule.templates))
    parts.append("**How to fix:** " + _how_to_fix(violation))
    if rule is not None and rule.origin:
        parts.append(f"_Rule `{rule.id}` ({rule.kind}) from {rule.origin}._")
    return "\n\n".join(parts)


def _how_to_fix(violation: Violation) -> str:
    ignore = f"or add `# ssot: ignore[{violation.code}]` to the line to keep it"
    if violation.fix == FIX_AUTO:
        return f"apply the quick fix, or run `ssot-lsp fix` for the whole file; {ignore}."
    if violation.fix == FIX_UNSAFE:
        return (f"a quick fix is offered but marked unsafe: the replacement evaluates the arguments in "
                f"another order; review it, or run `ssot-lsp fix --unsafe-fixes`; {ignore}.")
    if violation.fix == FIX_MANUAL:
        return (f"apply the quick fix and fill in the arguments the replacement needs "
                f"(they are not in scope here); {ignore}.")
    return f"no automatic fix: rewrite this by hand; {ignore}."
