"""Plain data shared by the engine and its drivers (SPEC §2–§4, §11).

Everything here is a frozen value: rules read from the registry, spans in a document,
the violations the engine finds, and the edits that fix them. Positions are 0-based
lines and 0-based columns counted in Unicode code points, end exclusive; the drivers
convert them (1-based for the CLI, UTF-16 or UTF-8 units for LSP).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any, Optional, Tuple

from .templates import template_callee

# `slots=True` arrived in Python 3.10; on 3.9 the classes are merely frozen.
_FROZEN: dict[str, Any] = {"frozen": True}
if sys.version_info >= (3, 10):
    _FROZEN["slots"] = True

SEVERITIES = ("error", "warning", "information", "hint")
RULE_KINDS = ("module", "symbol", "call")
CANON_CODE = "SSOT-CANON"

# Fix availability, as the CLI's JSON reports it (SPEC §11).
FIX_AUTO = "auto"
FIX_UNSAFE = "unsafe"  # automatic, but may change behaviour (SPEC §12): applied only on request
FIX_MANUAL = "manual"


@dataclass(**_FROZEN)
class Span:
    """A range in a document: 0-based lines, code-point columns, end exclusive."""

    start_line: int
    start_col: int
    end_line: int
    end_col: int

    def contains(self, line: int, col: int) -> bool:
        return (self.start_line, self.start_col) <= (line, col) <= (self.end_line, self.end_col)

    def overlaps(self, other: Span) -> bool:
        return (self.start_line, self.start_col) < (other.end_line, other.end_col) and (
            other.start_line,
            other.start_col,
        ) < (self.end_line, self.end_col)


# Which finding a planned fix belongs to: the rule's code and the violation's span.
FixKey = Tuple[str, Span]
# One violation of a batch run: the path as shown, the rule's code and the span.
ViolationKey = Tuple[str, str, Span]


@dataclass(**_FROZEN)
class Rule:
    """One registry entry (SPEC §2). `replace` is a dotted path, or templates for calls."""

    id: str
    kind: str
    name: str
    replace: Optional[str] = None
    templates: Tuple[str, ...] = ()
    message: Optional[str] = None
    severity: str = "warning"
    allow: Tuple[str, ...] = ()
    params: Tuple[str, ...] = ()
    imports: Tuple[str, ...] = ()
    origin: str = ""  # where the rule was declared: a config file or "preset:<name>"

    @property
    def replacement(self) -> Optional[str]:
        """The canonical replacement as a dotted path (a call rule names its template's callee)."""
        if self.kind != "call":
            return self.replace
        return template_callee(self.templates[0]) if self.templates else None


@dataclass(**_FROZEN)
class Violation:
    """A finding of the engine: which rule, where, and what replaces it."""

    code: str
    kind: str  # a rule kind, or "canonical" for SSOT-CANON
    span: Span
    message: str
    severity: str
    replacement: Optional[str] = None
    fix: Optional[str] = None  # FIX_AUTO, FIX_UNSAFE, FIX_MANUAL or None (flag only)
    statement_line: int = 0  # first line of the enclosing statement (suppressions count there)

    @property
    def deprecated(self) -> bool:
        """Module, symbol and call rules mark deprecated code; SSOT-CANON does not."""
        return self.code != CANON_CODE


@dataclass(**_FROZEN)
class Edit:
    """Replace the text of `span` with `text`."""

    span: Span
    text: str


@dataclass(**_FROZEN)
class Fix:
    """The edits that rewrite one violation; manual fixes leave placeholders to fill in."""

    violation: Violation
    title: str
    edits: Tuple[Edit, ...]
    manual: bool = False
    missing: Tuple[str, ...] = ()  # context placeholders that bound nowhere
    unsafe: bool = False  # may change behaviour beyond the declared replacement (SPEC §12)
    binds: Tuple[str, ...] = ()  # names the edits (re)bind: two fixes binding one name are not composed

    @property
    def automatic(self) -> bool:
        return not self.manual

    @property
    def status(self) -> str:
        """What the violation's `fix` field says of this fix: auto, unsafe or manual."""
        if self.manual:
            return FIX_MANUAL
        return FIX_UNSAFE if self.unsafe else FIX_AUTO


@dataclass(**_FROZEN)
class ConfigError:
    """A configuration problem: the file, the key (dotted, e.g. `rules[2].kind`) and why."""

    path: str
    key: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.key}: {self.reason}"


class ConfigurationError(Exception):
    """Raised with every problem found in a configuration file."""

    def __init__(self, errors: list[ConfigError]):
        self.errors = list(errors)
        super().__init__("; ".join(str(error) for error in self.errors))
