"""`check --output-format` for machines: json, json-lines, junit, gitlab, pylint (SPEC §6, §11).

- json: a list of records (`file`, `line`, `column`, `end_line`, `end_column`, `code`,
  `message`, `severity`, `fix`), 1-based, `end_column` exclusive.
- json-lines: the same records, one JSON object per line.
- junit: JUnit XML, one test suite per file and one failing test case per violation (a
  file that cannot be read is an `<error>`); a clean run is one passing test case.
- gitlab: GitLab Code Quality JSON (`description`, `check_name`, `fingerprint`,
  `severity`, `location.path`, `location.lines`); fingerprints survive edits above a result.
- pylint: `path:line: [CODE] message`, the format pylint-aware tools parse.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from typing import TYPE_CHECKING, Any, Optional, TextIO

from ..model import Violation
from ..runner import READ_ERROR

if TYPE_CHECKING:
    from ..batch import Details

Found = list[tuple[str, Violation]]
GITLAB_SEVERITY = {"error": "major", "warning": "minor", "information": "info", "hint": "info"}


def violation_record(path: str, violation: Violation) -> dict[str, Any]:
    """One violation as the JSON output describes it (SPEC §11): 1-based, end exclusive."""
    span = violation.span
    return {
        "file": path,
        "line": span.start_line + 1,
        "column": span.start_col + 1,
        "end_line": span.end_line + 1,
        "end_column": span.end_col + 1,
        "code": violation.code,
        "message": violation.message,
        "severity": violation.severity,
        "fix": violation.fix,
    }


def render_json(found: Found, args: Any, files: int, details: Optional[Details] = None,
                stream: Optional[TextIO] = None) -> None:
    stream = stream or sys.stdout
    json.dump([violation_record(path, v) for path, v in found], stream, indent=2, ensure_ascii=False)
    stream.write("\n")


def render_json_lines(found: Found, args: Any, files: int, details: Optional[Details] = None,
                      stream: Optional[TextIO] = None) -> None:
    stream = stream or sys.stdout
    for path, violation in found:
        stream.write(json.dumps(violation_record(path, violation), ensure_ascii=False) + "\n")


def render_pylint(found: Found, args: Any, files: int, details: Optional[Details] = None,
                  stream: Optional[TextIO] = None) -> None:
    stream = stream or sys.stdout
    for path, violation in found:
        stream.write(f"{path}:{violation.span.start_line + 1}: [{violation.code}] {violation.message}\n")


def render_gitlab(found: Found, args: Any, files: int, details: Optional[Details] = None,
                  stream: Optional[TextIO] = None) -> None:
    from .sarif import fingerprints

    stream = stream or sys.stdout
    prints = fingerprints([item for item in found if item[1].code != READ_ERROR],
                          details.lines_of if details is not None else None)
    issues = []
    for path, violation in found:
        span = violation.span
        fingerprint = prints.get((path, violation.code, violation.span)) or _digest(path, violation)
        issues.append({
            "description": f"{violation.code} {violation.message}",
            "check_name": violation.code,
            "fingerprint": fingerprint,
            "severity": GITLAB_SEVERITY.get(violation.severity, "minor"),
            "location": {"path": path, "lines": {"begin": span.start_line + 1, "end": span.end_line + 1}},
        })
    json.dump(issues, stream, indent=2, ensure_ascii=False)
    stream.write("\n")


def _digest(path: str, violation: Violation) -> str:
    import hashlib

    return hashlib.sha256(f"{path}\0{violation.code}\0{violation.message}".encode()).hexdigest()[:32]


def render_junit(found: Found, args: Any, files: int, details: Optional[Details] = None,
                 stream: Optional[TextIO] = None) -> None:
    from xml.sax.saxutils import quoteattr  # here: it imports urllib, http and email (40 ms)

    stream = stream or sys.stdout
    by_file: dict[str, list[Violation]] = defaultdict(list)
    for path, violation in found:
        by_file[path].append(violation)
    failures = sum(1 for _, v in found if v.code != READ_ERROR)
    errors = len(found) - failures
    tests = max(len(found), 1)
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<testsuites name="ssot-lsp" tests="{tests}" failures="{failures}" errors="{errors}">']
    if not found:
        out.append('  <testsuite name="ssot-lsp" tests="1" failures="0" errors="0">')
        out.append(f'    <testcase name="ssot-lsp" classname={quoteattr(f"{files} files checked")}/>')
        out.append("  </testsuite>")
    for path, violations in by_file.items():
        failed = sum(1 for v in violations if v.code != READ_ERROR)
        out.append(f'  <testsuite name={quoteattr(path)} tests="{len(violations)}" '
                   f'failures="{failed}" errors="{len(violations) - failed}">')
        for violation in violations:
            line, column = violation.span.start_line + 1, violation.span.start_col + 1
            element = "error" if violation.code == READ_ERROR else "failure"
            out.append(f'    <testcase name={quoteattr(f"{violation.code} {path}:{line}:{column}")} '
                       f'classname={quoteattr(path)} file={quoteattr(path)} line="{line}">')
            out.append(f'      <{element} message={quoteattr(violation.message)} type={quoteattr(violation.code)}>'
                       f'{_text(f"{path}:{line}:{column}: {violation.code} {violation.message}")}</{element}>')
            out.append("    </testcase>")
        out.append("  </testsuite>")
    out.append("</testsuites>")
    stream.write("\n".join(out) + "\n")


def _text(value: str) -> str:
    from xml.sax.saxutils import escape

    return escape(value)
