"""`check --format sarif`: a SARIF 2.1.0 log for code scanning UIs (SPEC §6).

Positions: lines and columns are 1-based and `endColumn` is exclusive, as SARIF defines
them. Columns count Unicode code points, like every other CLI output, and the run says
so with `columnKind: "unicodeCodePoints"` (SARIF's default would be UTF-16 code units).
Paths are relative to the current folder, resolved against the `%SRCROOT%` base id.
Results carry a `partialFingerprints` entry built from the baseline key (file, rule, flagged
text, stripped line, occurrence), so code scanning tracks an alert across unrelated edits.
Each violation with an automatic fix carries it as a SARIF `fix`: the fixer's edits as
`artifactChanges` with `replacements` (`deletedRegion` + `insertedContent`). The renderer
reads no file and runs no engine: the fixes, the rules and the flagged lines come with the
check's results (`batch.Details`).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from ..meta import version
from ..model import CANON_CODE, Fix, Rule, Span, Violation, ViolationKey
from ..runner import READ_ERROR

if TYPE_CHECKING:
    from ..baseline import Key, Loader
    from ..batch import Details

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "information": "note", "hint": "note"}
SRCROOT = "%SRCROOT%"
FINGERPRINT = "ssotLsp/v1"


def render_sarif(found: list[tuple[str, Violation]], args: Any, files: int, details: Optional[Details] = None) -> None:
    states = getattr(args, "baseline_states", None)
    log = sarif_log(states.found if states else found, details)
    if states is not None:
        from ..ratchet import sarif_results

        sarif_results(states, log["runs"][0]["results"], _location)
    json.dump(log, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def sarif_log(found: list[tuple[str, Violation]], details: Optional[Details] = None) -> dict[str, Any]:
    """The SARIF log of `found` ((display path, violation) pairs); `details` has the rules,
    the automatic fixes and the flagged lines (for fingerprints)."""
    rules = details.rules if details is not None else {}
    ids = sorted({v.code for _, v in found} | set(rules), key=lambda code: (code == CANON_CODE, code))
    index = {code: i for i, code in enumerate(ids)}
    fixes = details.fixes if details is not None else {}
    prints = fingerprints(found, details.lines_of if details is not None else None)
    results = [_result(path, v, index[v.code], fixes.get((path, v.code, v.span))) for path, v in found]
    for result, (path, violation) in zip(results, found):
        fingerprint = prints.get((path, violation.code, violation.span))
        if fingerprint:
            result["partialFingerprints"] = {FINGERPRINT: fingerprint}
    root = Path(os.getcwd()).as_uri() + "/"
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "ssot-lsp",
                "version": version(),
                "rules": [_descriptor(code, rules.get(code), found) for code in ids],
            }},
            "originalUriBaseIds": {SRCROOT: {"uri": root}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }


def region(span: Span) -> dict[str, int]:
    """A SARIF region for a 0-based, end-exclusive span (1-based, end still exclusive)."""
    return {
        "startLine": span.start_line + 1,
        "startColumn": span.start_col + 1,
        "endLine": span.end_line + 1,
        "endColumn": span.end_col + 1,
    }


def _location(path: str) -> dict[str, str]:
    if os.path.isabs(path):
        return {"uri": Path(path).as_uri()}
    return {"uri": path, "uriBaseId": SRCROOT}


def _result(path: str, violation: Violation, rule_index: int, fix: Optional[Fix]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": violation.code,
        "ruleIndex": rule_index,
        "level": LEVELS.get(violation.severity, "warning"),
        "message": {"text": violation.message},
        "locations": [{"physicalLocation": {"artifactLocation": _location(path),
                                            "region": region(violation.span)}}],
        "properties": {"fix": violation.fix},
    }
    if fix is not None:
        result["fixes"] = [_fix(path, fix)]
    return result


def _fix(path: str, fix: Fix) -> dict[str, Any]:
    """A SARIF fix: the fixer's edits as replacements in one artifact."""
    return {
        "description": {"text": fix.title},
        "artifactChanges": [{
            "artifactLocation": _location(path),
            "replacements": [{"deletedRegion": region(edit.span), "insertedContent": {"text": edit.text}}
                             for edit in fix.edits],
        }],
    }


def _descriptor(code: str, rule: Optional[Rule], found: list[tuple[str, Violation]]) -> dict[str, Any]:
    example = next((v for _, v in found if v.code == code), None)
    severity = rule.severity if rule else (example.severity if example else "warning")
    if code == CANON_CODE:
        text = "A canonical symbol imported from somewhere other than its canonical module"
    elif code == READ_ERROR:
        text = "A file that could not be read or decoded"
    elif rule is not None:
        text = rule.message or _describe(rule)
    else:
        text = example.message if example else code
    descriptor: dict[str, Any] = {
        "id": code,
        "shortDescription": {"text": text},
        "defaultConfiguration": {"level": LEVELS.get(severity, "warning")},
    }
    if rule is not None:
        descriptor["properties"] = {"kind": rule.kind, "name": rule.name, "replacement": rule.replacement}
        if rule.origin.startswith("preset:"):
            descriptor["properties"]["preset"] = rule.origin.split(":", 1)[1]
    return descriptor


def _describe(rule: Rule) -> str:
    what = {"module": "Import of deprecated module", "symbol": "Use of deprecated symbol",
            "call": "Call of deprecated callable"}.get(rule.kind, "Deprecated")
    text = f"{what} '{rule.name}'"
    return f"{text}; use '{rule.replacement}'" if rule.replacement else text


def fingerprints(found: list[tuple[str, Violation]], loader: Optional[Loader] = None
                 ) -> dict[tuple[str, str, Span], str]:
    """Line-number-free fingerprints, the baseline's keys: they survive edits above a result.

    `loader` gives a reported file's lines (`Details.lines_of`); without one they are read.
    """
    from ..baseline import keys_of

    seen: dict[Key, int] = {}
    result: dict[ViolationKey, str] = {}
    for key, (path, violation) in keys_of(found, Path(os.getcwd()), loader):
        occurrence = seen[key] = seen.get(key, -1) + 1
        digest = hashlib.sha256("\0".join((*key, str(occurrence))).encode("utf-8")).hexdigest()
        result[(path, violation.code, violation.span)] = digest[:32]
    return result
