"""Golden files: each case's input.py, fixed with fix_all, must equal its expected.py byte for byte.

Run `pytest tests/golden --update-golden` (or SSOT_UPDATE_GOLDEN=1) to regenerate.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ssot_lsp.config import find_config_file, load_config
from ssot_lsp.fixer import fix_all
from ssot_lsp.source import decode, encode, normalize_newlines

from .conftest import update_requested

HERE = Path(__file__).parent
CASES = sorted(path for path in HERE.rglob("input.py"))


def case_id(path: Path) -> str:
    return path.relative_to(HERE).parts[0]


@pytest.mark.parametrize("source", CASES, ids=[case_id(p) for p in CASES])
def test_golden(source: Path, request: pytest.FixtureRequest) -> None:
    config = load_config(find_config_file(source.parent))
    decoded = decode(source.read_bytes())
    result = fix_all(decoded.text, source, config)
    produced = encode(result.text, decoded)
    expected_path = source.with_name("expected.py")
    if update_requested(request.config):
        expected_path.write_bytes(produced)
    assert expected_path.exists(), f"missing {expected_path}; run with --update-golden"
    assert produced == expected_path.read_bytes(), f"{case_id(source)}: output differs from expected.py"
    ast.parse(normalize_newlines(result.text))
    assert result.applied, "a golden case must exercise at least one fix"
    again = fix_all(result.text, source, config)
    assert again.text == result.text and not again.applied
