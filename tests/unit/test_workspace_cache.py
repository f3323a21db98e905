"""Re-export caches follow edits, and edits of unrelated files keep them (SPEC §3)."""

from __future__ import annotations

from pathlib import Path

from ssot_lsp.modules import Workspace


def make(tmp_path: Path) -> Workspace:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("from .impl import thing\n")
    (tmp_path / "pkg" / "impl.py").write_text("def thing(): ...\n")
    (tmp_path / "pkg" / "other.py").write_text("x = 1\n")
    (tmp_path / "main.py").write_text("import pkg\n")
    return Workspace((tmp_path,))


def test_overlay_edit_of_a_reexporting_module_is_followed(tmp_path: Path) -> None:
    workspace = make(tmp_path)
    assert workspace.canonicalize("pkg.thing") == "pkg.impl.thing"
    init = tmp_path / "pkg" / "__init__.py"
    workspace.overlays[init] = "from .other import thing\n"
    assert workspace.invalidate(init) is True
    assert workspace.canonicalize("pkg.thing") == "pkg.other.thing"


def test_editing_an_unrelated_known_file_keeps_the_caches(tmp_path: Path) -> None:
    workspace = make(tmp_path)
    assert workspace.canonicalize("pkg.thing") == "pkg.impl.thing"
    assert workspace.module_path("main") == tmp_path / "main.py"
    assert workspace.invalidate(tmp_path / "main.py") is False
    assert workspace._canonical  # nothing was thrown away


def test_a_new_file_answers_an_earlier_failed_lookup(tmp_path: Path) -> None:
    workspace = make(tmp_path)
    assert workspace.module_path("pkg.new") is None
    (tmp_path / "pkg" / "new.py").write_text("")
    assert workspace.invalidate(tmp_path / "pkg" / "new.py") is True
    assert workspace.module_path("pkg.new") == tmp_path / "pkg" / "new.py"


def test_typing_in_a_file_never_looked_up_keeps_the_caches(tmp_path: Path) -> None:
    workspace = make(tmp_path)
    assert workspace.canonicalize("pkg.thing") == "pkg.impl.thing"
    assert workspace.invalidate(tmp_path / "pkg" / "other.py", content_only=True) is False
    assert workspace._canonical


def test_gitignore_is_read_again_when_it_changes(tmp_path: Path) -> None:
    from ssot_lsp.config import load_config

    (tmp_path / "ssot.toml").write_text('exclude = ["build/"]\n')
    config = load_config(tmp_path / "ssot.toml")
    assert config.is_excluded(tmp_path / "build" / "x.py")
    assert not config.is_excluded(tmp_path / "gen" / "x.py")
    (tmp_path / ".gitignore").write_text("gen/\n")
    assert config.is_excluded(tmp_path / "gen" / "x.py")
    assert config.is_excluded(tmp_path / "build" / "x.py")


def test_lookup_caches_stay_bounded(tmp_path, monkeypatch) -> None:
    from ssot_lsp import modules

    monkeypatch.setattr(modules, "_CACHE_LIMIT", 10)
    workspace = modules.Workspace((tmp_path,))
    for index in range(25):  # names typed one after another, none of them a module here
        workspace.canonicalize(f"pkg.name{index}.attr")
        workspace.module_path(f"pkg.mod{index}")
    assert len(workspace._canonical) <= 10
    assert len(workspace._paths) <= 10
    assert workspace.canonicalize("pkg.name3.attr") == "pkg.name3.attr"  # still answers
