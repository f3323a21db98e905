"""Error recovery: a half-typed line costs one more C-parser pass, not a parso parse."""

from __future__ import annotations

import pytest

from ssot_lsp import source

BODY = "".join(f"def f{i}(x):\n    return x + {i}\n\n" for i in range(200))


@pytest.mark.parametrize(
    "broken",
    ["from netra_backend.app.\n", "x = (1,\n", "if ready:\n", "def g(:\n", "else:\n", "y = x +\n"],
)
def test_typing_errors_recover_without_parso(broken: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def parso_must_not_run(text: str):
        raise AssertionError("parso recovery used for a one-line error")

    monkeypatch.setattr(source, "_error_ranges", parso_must_not_run)
    text = BODY + broken + BODY.replace("def f", "def h")
    parsed = source.parse(text)
    assert parsed is not None
    names = [node.name for node in parsed.tree.body if hasattr(node, "name")]
    assert len(names) == 400 and names[0] == "f0" and names[-1] == "h199"
    assert parsed.broken == (BODY.count("\n"),)


def test_parso_still_recovers_what_the_c_parser_cannot_localise() -> None:
    # Several scattered errors: more than the fast path's budget of attempts.
    text = "".join(f"def f{i}(x):\n    return x +\n\n" for i in range(12)) + "import os\n"
    parsed = source.parse(text)
    assert parsed is not None
    assert any(type(node).__name__ == "Import" for node in parsed.tree.body)


def test_nul_bytes_do_not_hide_the_rest() -> None:
    parsed = source.parse("import os\x00\nimport sys\n")
    assert parsed is not None and len(parsed.tree.body) == 2
