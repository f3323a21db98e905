"""A Fixit rule equivalent to an ssot-lsp registry, for the side-by-side benchmark.

The banned names (module paths and qualified symbol names) are read from the JSON file
named by the SSOT_BENCH_BANNED environment variable, written by benchmarks/run.py from
the same registry ssot-lsp checks. Imports of a banned module (or below it) and every
use of a banned name, resolved through imports by LibCST's QualifiedNameProvider, are
reported, like ruff's TID251.
"""

from __future__ import annotations

import json
import os

import libcst as cst
from fixit import LintRule
from libcst.metadata import QualifiedNameProvider

_BANNED: dict[str, str] = {}
if os.environ.get("SSOT_BENCH_BANNED"):
    with open(os.environ["SSOT_BENCH_BANNED"], encoding="utf-8") as handle:
        _BANNED = json.load(handle)


def _banned(name: str) -> str | None:
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
    """Flag imports and uses of banned modules and names."""

    METADATA_DEPENDENCIES = (QualifiedNameProvider,)
    VALID = []
    INVALID = []

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            message = _banned(_dotted(alias.name))
            if message:
                self.report(alias, message)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.module is None or node.relative:
            return
        module = _dotted(node.module)
        message = _banned(module)
        if message:
            self.report(node.module, message)
            return
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            message = _banned(f"{module}.{_dotted(alias.name)}")
            if message:
                self.report(alias, message)

    def _check_use(self, node: cst.BaseExpression) -> None:
        for qualified in self.get_metadata(QualifiedNameProvider, node, set()):
            message = _banned(qualified.name)
            if message:
                self.report(node, message)
                return

    def visit_Name(self, node: cst.Name) -> None:
        self._check_use(node)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._check_use(node)
