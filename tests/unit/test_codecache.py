"""The generated-code cache: a second start compiles nothing and the protocol types behave the same."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import json, sys
from ssot_lsp.lsp import codecache
codecache.install()
from lsprotocol import types
from lsprotocol.converters import get_converter
converter = get_converter()
params = converter.structure({"textDocument": {"uri": "file:///a.py"}, "position": {"line": 3, "character": 7}},
                             types.CompletionParams)
same = types.Position(line=3, character=7)
facts = [repr(params.position), params.position == same, params.position != types.Position(line=3, character=8),
         converter.unstructure(types.CompletionList(is_incomplete=True, items=[types.CompletionItem(label="x")]))]
codecache.save()
print(json.dumps({"facts": facts, **codecache.statistics()}))
"""


def run(cache: Path, **env: str) -> dict:
    environment = {**os.environ, "SSOT_LSP_CACHE_DIR": str(cache), **env}
    output = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=environment, check=True)
    return json.loads(output.stdout)


def test_a_second_start_reuses_the_generated_code(tmp_path: Path):
    first = run(tmp_path)
    assert first["compiled"] > 100 and first["active"] is False
    files = list(tmp_path.iterdir())
    assert [f.name for f in files] == [Path(first["file"]).name]
    second = run(tmp_path)
    assert second["compiled"] == 0 and second["reused"] >= first["compiled"]
    assert second["facts"] == first["facts"]
    assert first["facts"][:3] == ["3:7", True, True]
    assert files[0].stat().st_mtime_ns == Path(second["file"]).stat().st_mtime_ns  # nothing new: not rewritten


def test_a_damaged_cache_is_ignored_and_replaced(tmp_path: Path):
    first = run(tmp_path)
    Path(first["file"]).write_bytes(b"\x00 not marshal data")
    again = run(tmp_path)
    assert again["reused"] == 0 and again["facts"] == first["facts"]
    assert run(tmp_path)["compiled"] == 0


def test_the_cache_can_be_turned_off(tmp_path: Path):
    result = run(tmp_path, SSOT_LSP_CODE_CACHE="0")
    assert result["file"] is None and result["reused"] == result["compiled"] == 0
    assert list(tmp_path.iterdir()) == []
