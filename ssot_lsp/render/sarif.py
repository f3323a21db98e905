"""`check --format sarif`: a SARIF 2.1.0 log for code scanning UIs (SPEC §6).

Positions: lines and columns are 1-based and `endColumn` is exclusive, as SARIF defines
them. Columns count Unicode code points, like every other CLI output, and the run says
so with `columnKind: "unicodeCodePoints"` (SARIF's default would be UTF-16 code units).
Paths are relative to the current folder, resolved against the `%SRCROOT%` base id.
Results carry a `partialFingerprints` entry built from the baseline key (file, rule, flagged
text, stripped line, occurrence), so code scanning tracks an alert across unrelated edits.
Each violation with an automatic fix carries it as a SARIF `fix`: the fixer's edits as
`artifactChanges` with `replacements` (`deletedRegion` + `insertedContent`).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from ..model import CANON_CODE, FIX_AUTO, Rule, Span, Violation, ViolationKey
from ..runner import READ_ERROR

if TYPE_CHECKING:
    from ..baseline import Key

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "information": "note", "hint": "note"}
SRCROOT = "%SRCROOT%"
FINGERPRINT = "ssotLsp/v1"


def render_sarif(found: list[tuple[str, Violation]], args: Any, files: int) -> None:
    forced = getattr(args, "config", None)
    states = getattr(args, "baseline_states", None)
    log = sarif_log(states.found if states else found, Path(forced) if forced else None)
    if states is not None:
        from ..ratchet import sarif_results

        sarif_results(states, log["runs"][0]["results"], _location)
    json.dump(log, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def sarif_log(found: list[tuple[str, Violation]], config: Optional[Path] = None) -> dict[str, Any]:
    """The SARIF log of `found` ((display path, violation) pairs)."""
    rules = _rules_for(found, config)
    ids = sorted({v.code for _, v in found} | set(rules), key=lambda code: (code == CANON_CODE, code))
    index = {code: i for i, code in enumerate(ids)}
    fixes = _fixes_for(found, config)
    prints = fingerprints(found)
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
                "version": _version(),
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


def _result(path: str, violation: Violation, rule_index: int, fix: Optional[dict[str, Any]]) -> dict[str, Any]:
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
        result["fixes"] = [fix]
    return result


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


def _rules_for(found: list[tuple[str, Violation]], forced: Optional[Path]) -> dict[str, Rule]:
    """Rule metadata from the configurations governing the reported files."""
    from ..config import find_config_file, load_config
    from ..model import ConfigurationError

    config_paths = {forced} if forced else {find_config_file(Path(path).parent) for path in
                                            {p for p, _ in found} or {"."}}
    rules: dict[str, Rule] = {}
    for config_path in filter(None, config_paths):
        try:
            config = load_config(config_path)
        except ConfigurationError:  # already reported by `check`
            continue
        for rule in config.rules:
            rules.setdefault(rule.id, rule)
    return rules


def fingerprints(found: list[tuple[str, Violation]]) -> dict[ViolationKey, str]:
    """Line-number-free fingerprints, the baseline's keys: they survive edits above a result."""
    from ..baseline import keys_of

    seen: dict[Key, int] = {}
    result: dict[ViolationKey, str] = {}
    for key, (path, violation) in keys_of(found, Path(os.getcwd())):
        occurrence = seen[key] = seen.get(key, -1) + 1
        digest = hashlib.sha256("\0".join((*key, str(occurrence))).encode("utf-8")).hexdigest()
        result[(path, violation.code, violation.span)] = digest[:32]
    return result


def _fixes_for(found: list[tuple[str, Violation]], forced: Optional[Path]) -> dict[ViolationKey, dict[str, Any]]:
    """SARIF fixes for the automatically fixable violations, keyed by (path, code, span)."""
    try:
        from ..fixer import plan_fixes
    except ImportError:  # a build without the fix engine: results only
        return {}
    from ..config import find_config_file, load_config
    from ..engine import analyze, registry_for
    from ..source import decode

    wanted: dict[str, set[tuple[str, Span]]] = {}
    for path, violation in found:
        if violation.fix == FIX_AUTO:
            wanted.setdefault(path, set()).add((violation.code, violation.span))
    fixes: dict[ViolationKey, dict[str, Any]] = {}
    for path, keys in wanted.items():
        try:
            config_path = forced or find_config_file(Path(path).parent)
            if config_path is None:
                continue
            registry = registry_for(load_config(config_path))
            text = decode(Path(path).read_bytes()).text
            checked = analyze(text, path, registry)
            planned = plan_fixes(text, checked, registry)
        except Exception:  # noqa: BLE001 - a fix we cannot plan is simply not offered
            continue
        for fix in planned:
            key = (fix.violation.code, fix.violation.span)
            if key in keys and fix.automatic and fix.edits:
                fixes[(path, key[0], key[1])] = {
                    "description": {"text": fix.title},
                    "artifactChanges": [{
                        "artifactLocation": _location(path),
                        "replacements": [
                            {"deletedRegion": region(edit.span), "insertedContent": {"text": edit.text}}
                            for edit in fix.edits
                        ],
                    }],
                }
    return fixes


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("ssot-lsp")
    except Exception:  # noqa: BLE001
        return "0.0.0"
