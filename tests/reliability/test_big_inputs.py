"""Big and pathological documents: bounded work, the same findings, and the user told (SPEC §5).

The times these cases take are measured by benchmarks/big_inputs.py (docs/reliability.md);
here: parso's view of a document is unchanged by the linear-time rewrite it gets, a broken
document with a long non-ASCII line is still repaired, and the size policy keeps a big
document's findings and says what it does.
"""

from __future__ import annotations

import itertools

import parso

from ssot_lsp.engine import analyze
from ssot_lsp.lsp.documents import BIG_DOCUMENT_CHARS, HUGE_DOCUMENT_CHARS
from ssot_lsp.source import _ascii_for_parso, _error_ranges
from tests.conftest import DEMO

from .jsonrpc import PROBE_PATH, PROBE_TEXT, RawServer

names = itertools.count()
BROKEN = "".join(f"def broken_{n}(:\n    pass\n" for n in range(8))  # more than the quick repair tries


def parso_leaves(text: str) -> list[tuple[str, tuple[int, int], tuple[int, int]]]:
    leaf = parso.parse(text, error_recovery=True).get_first_leaf()
    found = []
    while leaf is not None:
        found.append((leaf.type, leaf.start_pos, leaf.end_pos))
        leaf = leaf.get_next_leaf()
    return found


def test_the_ascii_rewrite_keeps_parsos_tokens_and_positions() -> None:
    text = "naïve = 'é😀'\nx = 😀abc + ü\n# ☃\ndéf = (\n"
    rewritten = _ascii_for_parso(text)
    assert rewritten.isascii() and len(rewritten) == len(text)
    assert [kind for kind, _, _ in parso_leaves(rewritten)] == [kind for kind, _, _ in parso_leaves(text)]
    assert parso_leaves(rewritten) == parso_leaves(text)


def test_a_long_non_ascii_line_in_a_broken_document_is_repaired() -> None:
    text = PROBE_TEXT + "name = \U0001f600" + "a" * 100_000 + "\n" + BROKEN
    broken_line = PROBE_TEXT.count("\n")
    assert (broken_line, broken_line) in _error_ranges(text)
    config = DEMO / "pyproject.toml"
    from ssot_lsp.config import load_config

    checked = analyze(text, PROBE_PATH, load_config(config))
    assert sorted(v.code for v in checked.violations) == ["SSOT001", "SSOT003"]


def filler(chars: int) -> str:
    block = "def function_{0}(a, b):\n    # step\n    return a + b\n"
    parts, size, index = [], 0, 0
    while size < chars:
        parts.append(block.format(index))
        size += len(parts[-1])
        index += 1
    return "".join(parts)


def test_a_big_document_keeps_its_findings_and_says_how_it_is_checked(server: RawServer) -> None:
    text = PROBE_TEXT + filler(BIG_DOCUMENT_CHARS) + "late = get_websocket_manager()\n"
    start = len(server.received)
    uri = server.open(PROBE_PATH.with_name(f"big_{next(names)}.py"), text)
    published = server.published(uri, 1, timeout=120, start=start)
    codes = sorted((item["code"], item["range"]["start"]["line"]) for item in published["diagnostics"])
    assert codes == [("SSOT001", 1), ("SSOT003", 4), ("SSOT003", text.count("\n") - 1)]
    note = server.wait_for(lambda m: m.get("method") == "window/logMessage" and "only its imports" in
                           m["params"]["message"], start=start)
    assert f"{BIG_DOCUMENT_CHARS:,}" in note["params"]["message"]
    last = text.count("\n")
    server.change(uri, 2, [{"range": {"start": {"line": last, "character": 0}, "end": {"line": last, "character": 0}},
                            "text": "again = get_websocket_manager()\n"}])
    again = server.published(uri, 2, timeout=120, start=start)
    assert len(again["diagnostics"]) == len(codes) + 1
    server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})


def test_a_huge_document_is_not_checked_and_the_user_is_told(server: RawServer) -> None:
    text = PROBE_TEXT + "# " + "x" * HUGE_DOCUMENT_CHARS + "\n"
    start = len(server.received)
    uri = server.open(PROBE_PATH.with_name(f"huge_{next(names)}.py"), text)
    assert server.published(uri, 1, timeout=120, start=start)["diagnostics"] == []
    note = server.wait_for(lambda m: m.get("method") == "window/logMessage" and "not checked" in
                           m["params"]["message"], start=start)
    assert "ssot-lsp check" in note["params"]["message"]
    server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    server.assert_healthy(server.probe)
