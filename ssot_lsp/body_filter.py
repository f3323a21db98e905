"""Which function bodies the binding analysis may skip: a batch run's shortcut (SPEC §3, §15).

Functions run after the scopes that enclose them, so when the analysis reaches a function
body every import it can see has been met. A body whose text mentions no import and no
name any import of the file binds cannot record anything that leads to a finding; when
the registry's trigger names are known (batch runs, see prefilter.py), only a body that
also writes one of them (or an alias this file binds) can match a rule. The test reads the
body's source lines, which is far cheaper than walking its tree.
"""

from __future__ import annotations

import ast
from typing import Optional

from .source import LineIndex, words


class BodyFilter:
    """What the file's imports bind so far, and whether a function body can matter."""

    def __init__(self, lines: LineIndex, relevant: Optional[frozenset[bytes]] = None):
        self.lines = lines
        self.import_bound: set[bytes] = set()  # every name any import in the file binds
        # The registry's trigger names (batch runs), plus every alias this file binds.
        self.relevant = set(relevant) if relevant is not None else None

    def track_import(self, bound: str, alias: Optional[str] = None) -> None:
        """An import bound `bound` (written `... as alias` when aliased)."""
        self.import_bound.add(bound.encode("utf-8", "surrogatepass"))
        if alias is not None and self.relevant is not None:
            self.relevant.add(alias.encode("utf-8", "surrogatepass"))

    def cannot_matter(self, node: ast.stmt) -> bool:
        """A function body whose walk cannot record anything that leads to a finding.

        (The walker gives `global` no effect, so no binding leaves the body.)
        """
        lines = self.lines
        first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
        if last >= len(lines.starts):
            return False
        text = lines.text[lines.starts[first]:lines.ends[last]]
        if "import" in text or not text.isascii():  # identifiers are NFKC-normalised
            return False
        written = words(text.encode("ascii"))
        if self.import_bound.isdisjoint(written):
            return True
        if self.relevant is None:
            return False
        return self.relevant.isdisjoint(written)
