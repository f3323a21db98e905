"""`check` output for people: concise and full text, the summary, `--statistics` (SPEC §6).

Concise (the default, `text`): `path:line:col: CODE [*] message` per violation, where
`[*]` marks a fix `ssot-lsp fix` applies (with `--unsafe-fixes`, unsafe ones too), then a
summary. Full: each violation followed by its source line, the flagged span underlined,
and the replacement. Colours only on a terminal, never with `NO_COLOR` or `--no-color`.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from typing import TYPE_CHECKING, Any, Optional, Sequence, TextIO

from ..model import FIX_AUTO, FIX_MANUAL, FIX_UNSAFE, Rule, Violation
from ..runner import READ_ERROR

if TYPE_CHECKING:
    from ..batch import Details

Found = list[tuple[str, Violation]]


class Style:
    """ANSI styles, or plain text when colour is off."""

    def __init__(self, enabled: bool):
        self.enabled = enabled

    def _wrap(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled else text

    def bold(self, text: str) -> str:
        return self._wrap("1", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)

    def red(self, text: str) -> str:
        return self._wrap("1;31", text)

    def cyan(self, text: str) -> str:
        return self._wrap("36", text)


def use_colour(args: Any, stream: TextIO) -> bool:
    """Colour on a terminal unless `NO_COLOR` is set or `--no-color` given (`FORCE_COLOR` forces it)."""
    if getattr(args, "no_color", False) or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return bool(getattr(args, "output_file", None) is None and stream.isatty())


def fixable(violation: Violation, unsafe_fixes: bool) -> bool:
    """Whether `ssot-lsp fix` (with these options) applies the violation's fix."""
    return violation.fix == FIX_AUTO or (unsafe_fixes and violation.fix == FIX_UNSAFE)


def violation_line(path: str, violation: Violation, unsafe_fixes: bool, style: Style) -> str:
    span = violation.span
    marker = f" {style.cyan('[*]')}" if fixable(violation, unsafe_fixes) else ""
    where = f"{style.bold(path)}{style.dim(':')}{span.start_line + 1}{style.dim(':')}{span.start_col + 1}{style.dim(':')}"
    return f"{where} {style.red(violation.code)}{marker} {violation.message}"


def render_text(found: Found, args: Any, files: int, details: Optional[Details] = None,
                stream: Optional[TextIO] = None) -> None:
    """Concise or full text (`args.output_format`), then the summary unless `--quiet`.

    Full text shows the flagged lines that `details` carries (no file is read here).
    """
    stream = stream or sys.stdout
    style = Style(use_colour(args, stream))
    unsafe = bool(getattr(args, "unsafe_fixes", False))
    full = getattr(args, "output_format", "text") == "full"
    for path, violation in found:
        stream.write(violation_line(path, violation, unsafe, style) + "\n")
        if full:
            lines = details.lines_of(path) if details is not None else ()
            stream.write(_excerpt(violation, lines, style))
    if not getattr(args, "quiet", False):
        stream.write(summary(found, files, unsafe, style) + "\n")


def summary(found: Found, files: int, unsafe_fixes: bool, style: Style) -> str:
    """`All checks passed` or `Found N violations...` with what `ssot-lsp fix` can do."""
    errors = sum(1 for _, v in found if v.code == READ_ERROR)
    violations = [v for _, v in found if v.code != READ_ERROR]
    checked = f"{files} file{'s' if files != 1 else ''} checked"
    unreadable = f"; {errors} file{'s' if errors != 1 else ''} could not be read" if errors else ""
    if not violations:
        if errors:
            return f"Found no violations ({checked}){unreadable}."
        return f"All checks passed ({checked})."
    in_files = len({path for path, v in found if v.code != READ_ERROR})
    lines = [f"Found {_count(len(violations), 'violation')} in {_count(in_files, 'file')} "
             f"({files} checked){unreadable}."]
    auto = sum(1 for v in violations if v.fix == FIX_AUTO)
    unsafe = sum(1 for v in violations if v.fix == FIX_UNSAFE)
    manual = sum(1 for v in violations if v.fix == FIX_MANUAL)
    if unsafe_fixes:
        fixes = f"{auto + unsafe} fixable with `ssot-lsp fix --unsafe-fixes`"
    else:
        fixes = f"{auto} fixable with `ssot-lsp fix`"
        if unsafe:
            fixes += f" ({unsafe} more with `--unsafe-fixes`)"
    lines.append(f"{style.cyan('[*]')} {fixes}; {manual} need{'s' if manual == 1 else ''} manual arguments.")
    return "\n".join(lines)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"


def _excerpt(violation: Violation, lines: Sequence[str], style: Style) -> str:
    """The flagged source line with the span underlined, and what replaces it."""
    span = violation.span
    if span.start_line >= len(lines) or violation.code == READ_ERROR:
        return "\n"
    text = lines[span.start_line]
    end = span.end_col if span.end_line == span.start_line else len(text)
    number = str(span.start_line + 1)
    gutter = " " * len(number)
    carets = " " * span.start_col + "^" * max(1, end - span.start_col)
    out = [f"{gutter} {style.dim('|')}", f"{style.dim(number)} {style.dim('|')} {text}",
           f"{gutter} {style.dim('|')} {style.red(carets)}"]
    if violation.replacement:
        out.append(f"{gutter} = help: use {violation.replacement}")
    return "\n".join(out) + "\n\n"


def render_statistics(found: Found, rules: dict[str, Rule], args: Any, stream: Optional[TextIO] = None) -> None:
    """`--statistics`: one row per code, most frequent first, under a header."""
    stream = stream or sys.stdout
    unsafe = bool(getattr(args, "unsafe_fixes", False))
    counts = Counter(v.code for _, v in found)
    fixes = Counter(v.code for _, v in found if fixable(v, unsafe))
    first: dict[str, Violation] = {}
    for _, violation in found:
        first.setdefault(violation.code, violation)
    rows = []
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        marker = "[*]" if fixes[code] == count else ("[-]" if fixes[code] else "")
        rows.append((str(count), code, marker, rule_text(code, rules.get(code), first[code])))
    if not rows:
        stream.write("No violations.\n")
        return
    header = ("count", "code", "fixable", "message")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
    for row in [header, *rows]:
        stream.write(f"{row[0]:>{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:<{widths[2]}}  {row[3]}".rstrip() + "\n")


def rule_text(code: str, rule: Optional[Rule], example: Violation) -> str:
    """What a rule is about, in one line: its message, else what it deprecates."""
    from ..model import CANON_CODE

    if code == CANON_CODE:
        return "canonical symbol imported from somewhere other than its canonical module"
    if code == READ_ERROR:
        return "file could not be read or decoded"
    if rule is None:
        return example.message
    if rule.message:
        return rule.message
    target = f"; use {rule.replacement}" if rule.replacement else ""
    return f"deprecated {rule.kind} {rule.name}{target}"
