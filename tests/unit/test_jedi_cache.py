"""A jedi cache file cut short (a helper killed while writing it) must not break completion."""

from __future__ import annotations

from pathlib import Path

import pytest

jedi = pytest.importorskip("jedi")


def test_completion_survives_cache_files_cut_short(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import parso.cache

    from ssot_lsp.lsp.jedi_jobs import JediJobs

    monkeypatch.setattr(jedi.settings, "cache_directory", str(tmp_path / "cache"))
    parso.cache.parser_cache.clear()  # nothing in memory: every module from the disk cache
    source = tmp_path / "paths.py"
    text = "import os\n\nos.pa"
    source.write_text(text)
    jobs = JediJobs()
    assert "path" in [name for name, _ in jobs.complete(text, str(source), 2, 5)]
    written = list((tmp_path / "cache").rglob("*.pkl"))
    assert written, "jedi wrote no cache files to cut"
    for cached in written:  # what a process killed mid-write leaves
        data = cached.read_bytes()
        cached.write_bytes(data[: len(data) // 2])
    parso.cache.parser_cache.clear()
    assert "path" in [name for name, _ in JediJobs().complete(text, str(source), 2, 5)]
