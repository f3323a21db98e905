"""The server's text of a document never diverges from the editor's (SPEC §5, LSP 3.17).

Random incremental edits, with every character `str.splitlines` mistakes for a line break,
astral characters, CRLF and CR, positions past line ends and past the document's end, and
reversed ranges, are applied to the server's document text and to an independent model
(`text_model.py`); the two must agree after every edit. Over the protocol, a document
edited incrementally must get the same diagnostics as the same final text opened whole.
"""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types

from ssot_lsp.lsp.document_text import apply_change, apply_changes

from .jsonrpc import PROBE_PATH, PROBE_TEXT, RawServer
from .text_model import NOT_LINE_BREAKS, model_apply

PIECES = [*NOT_LINE_BREAKS, "\n", "\r", "\r\n", "\r\n\r", "a", "bc", " ", "é", "€", "😀", "𝔘", "\ud800",
          "\t", "# ", "x = 1", "import os", ""]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=24).map("".join)
ENCODINGS = st.sampled_from(["utf-16", "utf-8", "utf-32"])


def change(start: tuple[int, int], end: tuple[int, int], text: str) -> types.TextDocumentContentChangePartial:
    return types.TextDocumentContentChangePartial(
        range=types.Range(start=types.Position(line=start[0], character=start[1]),
                          end=types.Position(line=end[0], character=end[1])), text=text)


def positions(text: str) -> st.SearchStrategy[tuple[int, int]]:
    """Mostly inside the document, often just past a line's end or the last line, sometimes far out."""
    lines = text.count("\n") + text.count("\r") + 2
    near = st.tuples(st.integers(0, lines), st.integers(0, 12))
    far = st.tuples(st.integers(0, 10**6), st.integers(0, 10**6))
    return st.one_of(near, near, near, far)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), text=TEXTS, encoding=ENCODINGS)
def test_incremental_edits_match_the_model(data: st.DataObject, text: str, encoding: str) -> None:
    model = text
    for _ in range(data.draw(st.integers(1, 12))):
        start, end = data.draw(positions(model)), data.draw(positions(model))
        new_text = data.draw(TEXTS)
        text = apply_change(text, change(start, end, new_text), encoding)
        model = model_apply(model, start, end, new_text, encoding)
        assert text == model


def test_only_lsp_line_endings_end_lines() -> None:
    text = "# \x0c\n# \u2028 \x85 \x1c\nimport os\n"
    assert apply_change(text, change((2, 0), (2, 0), "X"), "utf-16") == "# \x0c\n# \u2028 \x85 \x1c\nXimport os\n"


def test_positions_past_the_line_end_are_the_line_end() -> None:
    assert apply_change("a\r\nb\r\n", change((0, 40), (0, 40), "X"), "utf-16") == "aX\r\nb\r\n"
    assert apply_change("ab", change((0, 9), (0, 9), "X"), "utf-16") == "abX"  # last line, no newline
    assert apply_change("ab\ncd", change((7, 0), (9, 3), "X"), "utf-16") == "ab\ncdX"  # past the last line


def test_a_reversed_range_is_swapped_not_dropped_or_duplicated(caplog) -> None:
    assert apply_change("abcdef", change((0, 4), (0, 1), "X"), "utf-16") == "aXef"
    assert "swapped" in caplog.text


def test_a_column_inside_a_character_means_its_start() -> None:
    assert apply_change("a😀b", change((0, 2), (0, 2), "X"), "utf-16") == "aX😀b"
    assert apply_change("a😀b", change((0, 3), (0, 3), "X"), "utf-16") == "a😀Xb"
    assert apply_change("aé😀b", change((0, 2), (0, 2), "X"), "utf-8") == "aXé😀b"
    assert apply_change("aé😀b", change((0, 5), (0, 5), "X"), "utf-8") == "aéX😀b"


def test_changes_apply_in_order_and_a_whole_text_replaces() -> None:
    whole = types.TextDocumentContentChangeWholeDocument(text="new\n")
    assert apply_changes("old", [change((0, 0), (0, 0), "x"), whole, change((1, 0), (1, 0), "y")],
                         "utf-16") == "new\ny"


# -- over the protocol -----------------------------------------------------------------
names = itertools.count()
SEPARATED_PROBE = "# page\x0c break\n# \u2028 \x85 \x1c\x1d\x1e \x0b\r\n" + PROBE_TEXT.replace("\n", "\r\n", 2)
EDIT_TEXTS = st.lists(st.sampled_from([*NOT_LINE_BREAKS, "\n", "\r", "\r\n", "x = 1\n", "# c\u2028", "😀", "é", ""]),
                      max_size=4).map("".join)


def pulled(server: RawServer, uri: str) -> list:
    answer = server.request("textDocument/diagnostic", {"textDocument": {"uri": uri}})
    assert "result" in answer, answer
    return sorted((item["code"], item["range"]["start"]["line"], item["range"]["start"]["character"],
                   item["range"]["end"]["line"], item["range"]["end"]["character"])
                  for item in answer["result"]["items"])


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(edits=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 30), st.integers(0, 3), st.integers(0, 30),
                                EDIT_TEXTS), min_size=1, max_size=6))
def test_the_server_sees_the_editors_text(server: RawServer, edits: list) -> None:
    """Edits above the probe's lines (after form feeds, U+2028, NEL...) land where the editor put them."""
    uri = server.open(PROBE_PATH.with_name(f"separators_{next(names)}.py"), SEPARATED_PROBE)
    model = SEPARATED_PROBE
    for version, (line, column, end_line, end_column, text) in enumerate(edits, start=2):
        start = {"line": line, "character": column}
        end = {"line": end_line, "character": end_column}
        server.change(uri, version, [{"range": {"start": start, "end": end}, "text": text}])
        model = model_apply(model, (line, column), (end_line, end_column), text, "utf-16")
    whole = server.open(PROBE_PATH.with_name(f"separators_{next(names)}.py"), model)
    assert pulled(server, uri) == pulled(server, whole)
    for closing in (uri, whole):
        server.notify("textDocument/didClose", {"textDocument": {"uri": closing}})
