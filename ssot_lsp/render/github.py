"""`check --format github`: GitHub Actions workflow commands that annotate the diff (SPEC §6).

One line per violation:
`::error file=PATH,line=L,col=C,endLine=EL,endColumn=EC,title=CODE::MESSAGE`.
Severity `error` gives `::error`, `warning` gives `::warning`, `information` and `hint`
give `::notice`. Lines and columns are 1-based; `endColumn` is the last column of the
flagged text (GitHub's end column is inclusive, unlike the exclusive `end_column` of the
JSON output). Values are escaped as the runner expects: `%`, CR and LF everywhere, and
`:` and `,` inside properties.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from ..model import Violation

if TYPE_CHECKING:
    from ..batch import Details

LEVELS = {"error": "error", "warning": "warning", "information": "notice", "hint": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(path: str, violation: Violation) -> str:
    """The workflow command for one violation of `path` (a path relative to the repository)."""
    span = violation.span
    properties = {
        "file": path,
        "line": span.start_line + 1,
        "col": span.start_col + 1,
        "endLine": span.end_line + 1,
        "endColumn": max(span.end_col, span.start_col + 1),
        "title": violation.code,
    }
    joined = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    level = LEVELS.get(violation.severity, "warning")
    return f"::{level} {joined}::{escape_data(f'{violation.code} {violation.message}')}"


def render_github(found: list[tuple[str, Violation]], args: Any, files: int, details: Optional[Details] = None) -> None:
    for path, violation in found:
        print(annotation(path, violation))
    print(f"ssot-lsp: {len(found)} violation{'s' if len(found) != 1 else ''} in {files} "
          f"file{'s' if files != 1 else ''} checked")
