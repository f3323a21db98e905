"""Fix-all in the helper process: it sees the open documents' unsaved text (lsp/fix_jobs.py)."""

from __future__ import annotations

from pathlib import Path

from ssot_lsp.lsp import fix_jobs

REGISTRY = '[[rules]]\nid = "S1"\nkind = "symbol"\nname = "pkg.old.make"\nreplace = "pkg.new.build"\n'


def test_fix_text_follows_the_unsaved_text_it_is_told_about(tmp_path: Path) -> None:
    jobs = fix_jobs.FixJobs()  # what the helper process keeps: its own config store
    (tmp_path / "ssot.toml").write_text(REGISTRY)
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "new.py").write_text("def build(): ...\n")
    app = tmp_path / "app.py"
    text = "from pkg.old import make\nmake()\n"
    assert jobs.fix_text(text, str(app)) == "from pkg.new import build\nbuild()\n"
    # Unsaved: pkg/new.py no longer defines `build`, so the fix must not write that import.
    unsaved = [("overlay", tmp_path / "pkg" / "new.py", "def other(): ...\n")]
    assert jobs.fix_text(text, str(app), unsaved) == text
    assert jobs.fix_text("x = 1\n", str(tmp_path.parent / "elsewhere.py")) is None


def test_the_helper_process_answers_with_the_fixed_text(tmp_path: Path, monkeypatch) -> None:
    """Through a real helper process (`python -m ssot_lsp.lsp.worker`), not the fallback."""
    import asyncio

    monkeypatch.delenv("SSOT_LSP_HELPERS", raising=False)
    (tmp_path / "ssot.toml").write_text(REGISTRY)
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "new.py").write_text("def build(): ...\n")
    helper = fix_jobs.FixHelper()
    try:
        fixed = asyncio.run(helper.fix(tmp_path / "app.py", "from pkg.old import make\nmake()\n", {}))
        assert fixed == "from pkg.new import build\nbuild()\n" and not helper.failed
        assert helper.worker.pid is not None  # the answer came from the child process
    finally:
        helper.close()
