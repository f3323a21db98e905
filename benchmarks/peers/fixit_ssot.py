"""A Fixit rule equivalent to an ssot-lsp registry, for the side-by-side benchmark.

The banned names (module paths and qualified symbol names) are read from the JSON file
named by the SSOT_BENCH_BANNED environment variable ({dotted name: message}), written by
benchmarks/run.py from the same registry ssot-lsp checks. It reports what ruff's TID251
(banned-api) reports, so the counts compare one to one:

- `import a.b` when `a.b` or a parent of it is banned; `from a.b import c` once when `a.b`
  or a parent is banned, else each imported name that is banned (`a.b.c`);
- every attribute reference that resolves, through the file's imports (LibCST's
  QualifiedNameProvider), to exactly a banned name: `aws.get_manager` after
  `import app.ws as aws`. Bare names bound by `from ... import` are not reported again:
  their import already is.

Relative imports are not resolved (ruff resolves them against the module's path).

Run with `PYTHONPATH=benchmarks/peers fixit --rules fixit_ssot lint <files>`. Fixit walks
paths with trailrunner, which skips whatever the enclosing project's .gitignore ignores
(benchmarks/.work/ in this repository); run.py therefore marks benchmarks/.work as its own
project root, and fails if a peer reports nothing where ssot-lsp reports something.
"""

from __future__ import annotations

import json
import os

import libcst as cst
from fixit import LintRule
from libcst.metadata import QualifiedNameProvider


def _load() -> dict[str, str]:
    path = os.environ.get("SSOT_BENCH_BANNED")
    if not path:
        raise RuntimeError("fixit_ssot: set SSOT_BENCH_BANNED to the banned-names JSON file")
    with open(path, encoding="utf-8") as handle:
        banned = json.load(handle)
    if not isinstance(banned, dict) or not banned:
        raise RuntimeError(f"fixit_ssot: {path} holds no {{dotted name: message}} entries")
    return banned


_BANNED: dict[str, str] = _load()


def _banned_or_parent(name: str) -> str | None:
    """The message when `name` or one of its parents is banned (ruff's MatchNameOrParent)."""
    for banned, message in _BANNED.items():
        if name == banned or name.startswith(banned + "."):
            return message
    return None


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


class BannedApi(LintRule):
    """Flag imports of banned modules and names, and references to them."""

    METADATA_DEPENDENCIES = (QualifiedNameProvider,)
    VALID = []
    INVALID = []

    def __init__(self) -> None:
        super().__init__()
        self._in_import = 0

    def visit_Import(self, node: cst.Import) -> None:
        self._in_import += 1
        for alias in node.names:
            message = _banned_or_parent(_dotted(alias.name))
            if message:
                self.report(alias, message)

    def leave_Import(self, original_node: cst.Import) -> None:
        self._in_import -= 1

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._in_import += 1
        if node.module is None or node.relative:
            return
        module = _dotted(node.module)
        message = _banned_or_parent(module)
        if message:
            self.report(node, message)
            return
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            message = _BANNED.get(f"{module}.{_dotted(alias.name)}")
            if message:
                self.report(alias, message)

    def leave_ImportFrom(self, original_node: cst.ImportFrom) -> None:
        self._in_import -= 1

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if self._in_import:
            return
        for qualified in self.get_metadata(QualifiedNameProvider, node, set()):
            message = _BANNED.get(qualified.name)
            if message:
                self.report(node, message)
                return
