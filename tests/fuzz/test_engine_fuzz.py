"""The engine survives any text, and damage in one place leaves the rest stable.

Inputs are the demo workspace's own files mutated the ways editors and disks break code:
token deletion and insertion, truncation, unbalanced brackets, NUL bytes, invalid UTF-8,
mixed line endings, very long lines and deep nesting.
"""

from __future__ import annotations

from dataclasses import replace

import io
import tokenize
from keyword import iskeyword
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssot_lsp.config import load_config
from ssot_lsp.engine import analyze
from ssot_lsp.source import DecodeError, decode
from tests.conftest import DEMO

CONFIG = load_config(DEMO / "pyproject.toml")
SOURCES = sorted(p for p in DEMO.rglob("*.py") if p.stat().st_size > 200)
TARGET = DEMO / "netra_backend" / "app" / "routes" / "fuzzed.py"
PREFIX = (
    "from netra_backend.app.websocket_core import get_websocket_manager\n"
    "import netra_backend.app.websocket_core.factory as old\n"
    "\n"
    "def handler(user_id, connection_id, user_context):\n"
    "    return get_websocket_manager()\n"
    "\n"
)
FORMATTED = ['text = f"{{{name}()}}"', "text = rf'x{{{name}.attr}}'", 'text = Fr"""(\n{{{name}(1)}}"""']
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def texts() -> list[str]:
    return [decode(path.read_bytes()).text for path in SOURCES]


def token_boundaries(text: str) -> list[int]:
    offsets = [0]
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            row, col = token.start
            if row - 1 < len(starts):
                offsets.append(starts[row - 1] + col)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return sorted(set(offsets))


JUNK = st.sampled_from(["(", ")", "[", "]", "{", "}", ":", "'", '"', '"""', "\\", "\x00", "\t", "\r",
                        "\r\n", "def", "class", "import", "from", " as ", ",", ".", "lambda", "@", "if",
                        "else:", "    ", "\n", "é", "👋", "\ufeff", "await", "yield", "*", "**"])


@FUZZ
@given(st.data())
def test_any_mutation_is_analysed_without_error(data: st.DataObject) -> None:
    text = data.draw(st.sampled_from(texts()))
    boundaries = token_boundaries(text)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.sampled_from(boundaries)) if boundaries else 0
        at = min(at, len(text))
        action = data.draw(st.sampled_from(["delete", "insert", "truncate"]))
        if action == "delete":
            end = min(len(text), at + data.draw(st.integers(1, 12)))
            text = text[:at] + text[end:]
        elif action == "insert":
            text = text[:at] + data.draw(JUNK) + text[at:]
        else:
            text = text[:at]
    checked = analyze(text, TARGET, CONFIG)
    for violation in checked.violations:
        assert violation.span.start_line <= violation.span.end_line


@FUZZ
@given(suffix=st.lists(JUNK, min_size=1, max_size=30).map("".join))
def test_damage_below_leaves_violations_above_unchanged(suffix: str) -> None:
    expected = [(v.code, v.span) for v in analyze(PREFIX, TARGET, CONFIG).violations]
    assert [code for code, _ in expected] == ["SSOT001", "SSOT003"]
    damaged = [(v.code, v.span) for v in analyze(PREFIX + "\n" + suffix, TARGET, CONFIG).violations]
    assert damaged[: len(expected)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\x00",
        "import a\x00b\n",
        "(" * 200 + ")" * 200 + "\n",
        "(" * 1000 + "\n",
        "[" * 200 + "\n" + PREFIX,
        "x = " + "1 + " * 60_000 + "1\n",  # about a megabyte on one line
        "x = '" + "a" * 1_000_000 + "'\n",
        "def f(:\n" * 300,
        "\r\n".join(PREFIX.split("\n")) + "\rimport netra_backend.app.websocket_core.factory\n",
        "if True:\n" + "".join("    " * i + "if True:\n" for i in range(1, 120)) + "    " * 120 + "pass\n",
        PREFIX + "f(" * 300,
        PREFIX + '"""never closed\n' * 3,
        PREFIX + "\t  \t mixed = 1\n  \t  other = 2\n",
    ],
    ids=lambda text: repr(text[:24]),
)
def test_pathological_texts(text: str) -> None:
    analyze(text, TARGET, CONFIG)


def test_mixed_line_endings_keep_positions() -> None:
    text = "import os\r\nimport netra_backend.app.websocket_core.factory\rx = 1\nimport netra_backend.app.websocket_core.factory as f\n"
    spans = [(v.span.start_line, v.span.start_col) for v in analyze(text, TARGET, CONFIG).violations]
    assert spans == [(1, 7), (3, 7)]


@pytest.mark.parametrize("data", [b"\xff\xfe\x00import", b"# coding: nope\nimport a\n", b"x = '\xe9'\n"])
def test_undecodable_bytes_raise_decode_error(data: bytes) -> None:
    with pytest.raises(DecodeError):
        decode(data)


def test_latin1_cookie_and_bom_decode(tmp_path: Path) -> None:
    assert decode("# -*- coding: latin-1 -*-\nx = 'é'\n".encode("latin-1")).encoding in ("latin-1", "iso-8859-1")
    decoded = decode(b"\xef\xbb\xbfx = 1\n")
    assert decoded.bom and decoded.text == "x = 1\n"


def batch_registry():
    """The demo's registry as `ssot-lsp check` uses it: limited to its trigger names."""
    from ssot_lsp.prefilter import build_prefilter
    from ssot_lsp.registry import Registry

    registry = Registry(CONFIG)
    registry.limit_to(frozenset(build_prefilter(registry).triggers))
    return registry


def batch_agrees(text: str, registry) -> bool:
    """On text that compiles, the batch path (sparse parse, limited registry) finds what a full check finds."""
    try:
        compile(text, "<fuzz>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return True  # broken text: only the full parse's error recovery applies
    full = analyze(text, TARGET, CONFIG).violations
    return detected(analyze(text, TARGET, registry, findings_only=True).violations) == detected(full)


def detected(violations) -> list:
    """Violations as detection sees them: the batch path leaves `fix` to the planner's full analysis."""
    return [replace(violation, fix=None) for violation in violations]


@FUZZ
@given(st.data())
def test_batch_path_finds_what_a_full_check_finds(data: st.DataObject) -> None:
    text = data.draw(st.sampled_from(texts()))
    lines = text.split("\n")
    for _ in range(data.draw(st.integers(1, 4))):
        index = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["drop", "duplicate", "indent", "junk", "rebind", "format"]))
        names = [word for line in lines if line.lstrip().startswith(("import ", "from "))
                 for word in line.replace(",", " ").split() if word.isidentifier() and not iskeyword(word)] or ["x"]
        if action == "format":  # use an imported name only inside an f-string's replacement field
            name = data.draw(st.sampled_from(names))
            indent = lines[index][: len(lines[index]) - len(lines[index].lstrip())]
            lines.insert(index, indent + data.draw(st.sampled_from(FORMATTED)).format(name=name))
        elif action == "rebind":  # shadow an imported name, at module level or in a block
            name = data.draw(st.sampled_from(names))
            statement = data.draw(st.sampled_from([f"{name} = None", f"def {name}(): pass", f"del {name}",
                                                   f"for {name} in (): pass", f"class {name}: pass"]))
            indent = lines[index][: len(lines[index]) - len(lines[index].lstrip())]
            lines.insert(index, indent + statement)  # the indentation of the line it goes before
        elif action == "drop":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[data.draw(st.integers(0, len(lines) - 1))])
        elif action == "indent":
            lines[index] = "    " + lines[index]
        else:
            lines[index] += data.draw(JUNK)
        if not lines:
            lines = [""]
    assert batch_agrees("\n".join(lines), batch_registry())
