"""docs/campaigns.md's phases, on a copy of the demo: the numbers the page shows are the real ones."""

from __future__ import annotations

import re
from pathlib import Path

from ssot_lsp.report import build_report
from tests.conftest import REPO


def documented_phases() -> str:
    page = (REPO / "docs/campaigns.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- phases:.*?-->\n```toml\n(.*?)```", page, re.S)
    assert found, "the phases block of docs/campaigns.md is missing"
    return found.group(1)


def test_the_documented_phases_give_the_documented_table(demo_copy: Path):
    config = demo_copy / "pyproject.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n" + documented_phases(), encoding="utf-8")
    rows = build_report([str(demo_copy)]).as_json()["by_phase"]
    # Counted from `ssot-lsp check` on the demo: websocket_routes.py 6 + .pyi 2 + chat_service.py 7;
    # admin_routes 7, bom 1, crlf 2, latin1 1; agents/supervisor/pipeline.py 5.
    assert [(r["name"], r["files"], r["violations"], r["auto"], r["manual"], r["none"]) for r in rows] == [
        ("golden-path", 3, 15, 11, 2, 2),
        ("routes", 5, 11, 9, 1, 1),
        ("long-tail", 20, 5, 5, 0, 0),
        ("rest", 0, 0, 0, 0, 0),
    ]
    page = (REPO / "docs/campaigns.md").read_text(encoding="utf-8")
    for row in rows:
        assert f"| {row['name']} | {row['files']} | {row['violations']} | {row['auto']} |" in page
