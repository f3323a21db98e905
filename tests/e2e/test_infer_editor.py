"""Inferred rules in the editor: a teammate deprecates a function, its call sites are flagged and
fixable, and the rule follows edits of the deprecated function's file (SPEC §13)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types

from .conftest import own_client
from .helpers import CLIENTS, edits_of, offset, wait_for
from .test_diagnostics import diagnostics, open_document

pytestmark = pytest.mark.asyncio(loop_scope="module")

OLD = """\
import warnings
from pkg.new import make


def build(name):
    warnings.warn("build() is deprecated; use make()", DeprecationWarning, stacklevel=2)
    return make(name)
"""
MAIN = "from pkg.old import build\n\nresult = build('a')\n"


def workspace(tmp_path: Path) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pyproject.toml").write_text("[tool.ssot-lsp]\ninfer = true\n")
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "new.py").write_text("def make(name):\n    return name\n")
    (tmp_path / "pkg" / "old.py").write_text(OLD)
    (tmp_path / "main.py").write_text(MAIN)
    return tmp_path


@pytest.mark.parametrize("editor", sorted(CLIENTS))
async def test_a_deprecated_function_flags_its_call_sites_and_follows_edits(tmp_path: Path, editor: str):
    root = workspace(tmp_path)
    async with own_client(root, CLIENTS[editor](), scanOnStartup=False) as lsp:
        uri = open_document(lsp, root / "main.py")
        items = await diagnostics(lsp, uri, lambda found: len(found) == 1)
        assert items[0].code == "INF-pkg.old.build" and items[0].range.start.line == 2
        assert types.DiagnosticTag.Deprecated in (items[0].tags or [])

        hover = await lsp.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=2, character=10)))
        assert "the deprecation at pkg/old.py:6" in hover.contents.value

        actions = await lsp.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), range=items[0].range,
            context=types.CodeActionContext(diagnostics=items)))
        fix = next(a for a in actions if a.kind == types.CodeActionKind.QuickFix and a.is_preferred)
        if fix.edit is None:
            fix = await lsp.code_action_resolve_async(fix)
        fixed = apply_against_original(MAIN, edits_of(fix.edit, uri))
        assert "pkg.new.make('a')" in fixed and "import pkg.new" in fixed

        # On the deprecated definition: an action that writes the rule into the registry.
        old_uri = open_document(lsp, root / "pkg" / "old.py")
        actions = await lsp.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=old_uri),
            range=types.Range(start=types.Position(line=4, character=4), end=types.Position(line=4, character=4)),
            context=types.CodeActionContext(diagnostics=[])))
        add = [a for a in actions if a.kind == "refactor.ssot.addRule"]
        assert [a.title for a in add] == ["Add an ssot rule for pkg.old.build (high confidence)"]
        config = root / "pyproject.toml"
        edits = edits_of(add[0].edit, config.as_uri())
        written = apply_against_original(config.read_text(), edits)
        assert written.startswith(config.read_text()) and 'id = "INF-pkg.old.build"' in written
        assert 'replace = ["pkg.new.make({name})"]' in written

        # The teammate takes the deprecation back: the call site is clean again, and vice versa.
        lsp.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=old_uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=OLD.replace("    warnings.warn", "    # warnings.warn"))]))
        if lsp.capabilities.text_document.diagnostic is not None:
            await diagnostics(lsp, uri, lambda found: len(found) == 0)
        else:  # pushed: an empty list arrives
            await wait_for(lambda: uri in lsp.diagnostics and len(lsp.diagnostics[uri]) == 0)
        lsp.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=old_uri, version=3),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=OLD)]))
        again = await diagnostics(lsp, uri, lambda found: len(found) == 1)
        assert again[0].code == "INF-pkg.old.build"


def apply_against_original(text: str, edits: list) -> str:
    """Apply edits whose ranges all refer to the original text (an insertion before a deletion at one spot)."""
    located = sorted(((offset(text, e.range.start), offset(text, e.range.end), e.new_text) for e in edits),
                     key=lambda item: (item[0], item[1]))
    pieces, position = [], 0
    for start, end, new_text in located:
        pieces.append(text[position:start] + new_text)
        position = max(position, end)
    return "".join(pieces) + text[position:]
