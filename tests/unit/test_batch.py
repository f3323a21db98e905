"""`batch.check_file`: one path from a file on disk to its results, for every consumer."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ssot_lsp.batch import FileResult, check_file
from ssot_lsp.configs import ConfigStore
from ssot_lsp.fix_files import fix_file
from ssot_lsp.lsp.scan import check_batch
from ssot_lsp.report import build_report
from tests.conftest import DEMO

REGISTRY = '[[rules]]\nid = "OLD001"\nkind = "module"\nname = "pkg.old"\nreplace = "pkg.new"\n'


def demo_files() -> list[Path]:
    return sorted(p for p in DEMO.rglob("*") if p.suffix in (".py", ".pyi") and "__pycache__" not in p.parts)


def test_analysing_in_full_at_once_changes_no_result() -> None:
    """After many fixable files a registry skips the sparse pass; the results are the same."""
    sparse_first, full_first = ConfigStore(), ConfigStore()
    for path in demo_files()[:1]:
        registry = full_first.lookup(path).registry
        assert registry is not None
        full_first.parse_history(registry)[:] = [1000, 1000]
    for path in demo_files():
        assert check_file(full_first, path, fixes=True) == check_file(sparse_first, path, fixes=True), path


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are a POSIX feature")
def test_a_file_that_cannot_be_read_is_reported_the_same_way_everywhere(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "ssot.toml").write_text(REGISTRY)
    undecodable = tmp_path / "latin.py"
    undecodable.write_bytes(b"name = '\xe9t\xe9'\n")
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    monkeypatch.chdir(tmp_path)
    store = ConfigStore()
    reasons = {path: check_file(store, path).error for path in (undecodable, fifo)}
    assert all(reasons.values()), reasons
    _, scanned = check_batch([undecodable, fifo], (), ConfigStore())
    assert {Path(r.path): r.error for r in scanned} == reasons  # the editor's scan
    report = build_report([str(tmp_path)]).as_json()  # the compliance report
    assert sorted(report["errors"]) == sorted(f"{p.name}: {reason}" for p, reason in reasons.items())
    for path, reason in reasons.items():  # `fix`
        outcome = fix_file(ConfigStore(), (path, False, path.name, [], [], False))
        assert outcome.problem == f"cannot read: {reason}"


def test_a_result_carries_the_lines_it_touches_and_its_fixes(tmp_path: Path) -> None:
    (tmp_path / "ssot.toml").write_text(REGISTRY)
    path = tmp_path / "app.py"
    path.write_text("import os\r\n\r\nfrom pkg.old import thing\r\n")
    result = check_file(ConfigStore(), path, fixes=True)
    assert isinstance(result, FileResult) and [v.code for v in result.violations] == ["OLD001"]
    assert result.lines.line(2) == "from pkg.old import thing" and result.lines.line(0) == ""
    assert len(result.lines) == 4
    (fix,) = result.fixes
    assert fix.violation == result.violations[0] and [e.text for e in fix.edits] == ["pkg.new"]
    assert check_file(ConfigStore(), path).fixes == ()  # planned only when asked for
