"""A fix never damages code, and `ssot-lsp fix` never damages files (SPEC §4, §6).

- `fix_all` over the demo workspace and a Django 3 era corpus (presets django-4 and
  py3-stdlib) gives text that compiles, and a second run changes nothing.
- `ssot-lsp fix` reports read-only files, symbolic links, files changed or removed during
  the run, and undecodable files, and leaves their bytes exactly as they were.
- SIGKILL at random moments while fixing hundreds of files leaves every file holding
  either its old or its new bytes, never a mix.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ssot_lsp import cli, fixer
from ssot_lsp.config import find_config_file, load_config
from ssot_lsp.source import decode, encode
from tests.conftest import DEMO

CORPUS = Path(__file__).parent / "data" / "django3_site"
FILES = sorted(DEMO.rglob("*.py")) + sorted(CORPUS.rglob("*.py"))


def fixed_bytes(path: Path, data: bytes) -> bytes:
    """What `ssot-lsp fix` should write for a file holding `data` at `path`."""
    decoded = decode(data)
    config = load_config(find_config_file(path.parent))
    return encode(fixer.fix_all(decoded.text, path, config).text, decoded)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(p.parents[2])))
def test_fix_all_compiles_and_is_idempotent(path: Path) -> None:
    config = load_config(find_config_file(path.parent))
    text = decode(path.read_bytes()).text
    first = fixer.fix_all(text, path, config)
    compile(text, str(path), "exec")  # every input compiles, so every output must
    compile(first.text, str(path), "exec")
    second = fixer.fix_all(first.text, path, config)
    assert second.text == first.text and second.applied == []
    assert [v.code for v in second.manual] == [v.code for v in first.manual]


def test_corpus_is_actually_fixed() -> None:
    changed = [p for p in sorted(CORPUS.rglob("*.py")) if fixed_bytes(p, p.read_bytes()) != p.read_bytes()]
    assert len(changed) >= 7


# -- `ssot-lsp fix` on files it must not touch ---------------------------------------------
@pytest.fixture
def site(tmp_path: Path) -> Path:
    target = tmp_path / "site"
    shutil.copytree(CORPUS, target)
    return target


def snapshot(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()}


def run_fix(root: Path, capsys) -> tuple[int, str]:
    code = cli.main(["fix", str(root), "--jobs", "1"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_read_only_files_are_reported_and_untouched(site: Path, capsys) -> None:
    locked = site / "shop" / "views.py"
    locked.chmod(0o444)
    before = locked.read_bytes()
    code, output = run_fix(site, capsys)
    assert code == cli.EXIT_ERROR
    assert "views.py: error:" in output and "read-only" in output
    assert locked.read_bytes() == before and stat.S_IMODE(locked.stat().st_mode) == 0o444
    assert (site / "shop" / "models.py").read_bytes() != (CORPUS / "shop" / "models.py").read_bytes()


@pytest.mark.parametrize("kind", ["inside", "outside", "dangling", "folder"])
def test_symbolic_links_are_reported_and_untouched(site: Path, tmp_path: Path, capsys, kind: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(CORPUS / "blog" / "admin.py", outside / "admin.py")
    link = site / "blog" / "linked.py"
    target = {"inside": site / "blog" / "models.py", "outside": outside / "admin.py",
              "dangling": site / "blog" / "missing.py", "folder": outside}[kind]
    if kind == "folder":
        link = site / "linked_folder"
    link.symlink_to(target)
    targets_before = {p: p.read_bytes() for p in [outside / "admin.py"]}
    code, output = run_fix(site, capsys)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert all(p.read_bytes() == data for p, data in targets_before.items())
    if kind in ("inside", "outside"):
        assert code == cli.EXIT_ERROR and "linked.py: error:" in output and "symbolic link" in output
    if kind == "inside":  # the real file is fixed on its own, once
        assert (site / "blog" / "models.py").read_bytes() == fixed_bytes(site / "blog" / "models.py",
                                                                         (CORPUS / "blog" / "models.py").read_bytes())


def test_file_changed_during_the_run_is_left_as_the_other_writer_left_it(site: Path, capsys, monkeypatch) -> None:
    victim = site / "blog" / "admin.py"
    theirs = b"from django.utils.encoding import force_text\n\nVALUE = force_text('theirs')\n"
    original_fix_all = fixer.fix_all

    def racing_fix_all(text, path, *args, **kwargs):
        if Path(path).name == victim.name:
            victim.write_bytes(theirs)  # another writer saves while the fix is computed
        return original_fix_all(text, path, *args, **kwargs)

    monkeypatch.setattr(fixer, "fix_all", racing_fix_all)
    code, output = run_fix(site, capsys)
    assert code == cli.EXIT_ERROR and "admin.py: error:" in output and "changed" in output
    assert victim.read_bytes() == theirs


def test_file_removed_during_the_run_is_not_recreated(site: Path, capsys, monkeypatch) -> None:
    victim = site / "blog" / "admin.py"
    original_fix_all = fixer.fix_all

    def removing_fix_all(text, path, *args, **kwargs):
        if Path(path).name == victim.name:
            victim.unlink()
        return original_fix_all(text, path, *args, **kwargs)

    monkeypatch.setattr(fixer, "fix_all", removing_fix_all)
    code, output = run_fix(site, capsys)
    assert code == cli.EXIT_ERROR and "admin.py: error:" in output
    assert not victim.exists()
    assert not list(victim.parent.glob(".admin.py.*"))  # no temporary file left behind


@pytest.mark.parametrize("data", [
    b"from django.utils.encoding import force_text\nx = '\xff\xfe'\n",
    b"# -*- coding: klingon -*-\nfrom django.utils.encoding import force_text\n",
    "from django.utils.encoding import force_text\n".encode("utf-16"),
    b"\xef\xbb\xbf# coding: latin-1\nfrom django.utils.encoding import force_text\n",
], ids=["invalid-utf8", "unknown-cookie", "utf16", "bom-and-latin1-cookie"])
def test_undecodable_files_are_reported_and_untouched(site: Path, capsys, data: bytes) -> None:
    broken = site / "blog" / "broken.py"
    broken.write_bytes(data)
    code, output = run_fix(site, capsys)
    assert code == cli.EXIT_ERROR and "broken.py: error:" in output
    assert broken.read_bytes() == data
    assert (site / "blog" / "admin.py").read_bytes() != (CORPUS / "blog" / "admin.py").read_bytes()


def test_unchanged_files_keep_their_bytes_and_times(site: Path, capsys) -> None:
    clean = site / "shop" / "__init__.py"
    clean.write_bytes(b"# nothing to fix here\r\nx = 1\r\n")
    before = clean.stat().st_mtime_ns
    time.sleep(0.01)
    run_fix(site, capsys)
    assert clean.stat().st_mtime_ns == before


# -- SIGKILL -----------------------------------------------------------------------------
def build_many(root: Path, count: int) -> dict[Path, tuple[bytes, bytes]]:
    """`count` files to fix under `root`, each with its old and expected new bytes."""
    shutil.copy(CORPUS / "ssot.toml", root / "ssot.toml")
    sources = [p for p in sorted(CORPUS.rglob("*.py")) if p.stat().st_size > 0]
    fixed = {source: fixed_bytes(root / source.name, source.read_bytes()) for source in sources}
    expected = {}
    for index in range(count):
        source = sources[index % len(sources)]
        folder = root / f"app{index % 12}"
        folder.mkdir(exist_ok=True)
        (folder / "__init__.py").touch()
        path = folder / f"module_{index}.py"
        path.write_bytes(source.read_bytes())
        expected[path] = (source.read_bytes(), fixed[source])
    return expected


def test_sigkill_during_fix_never_leaves_a_partial_file(tmp_path: Path) -> None:
    rng = random.Random(8)
    expected = build_many(tmp_path, 240)
    assert all(old != new for old, new in expected.values())
    kills = 0
    for _ in range(3):
        process = subprocess.Popen([sys.executable, "-m", "ssot_lsp", "fix", str(tmp_path), "--jobs", "2"],
                                   cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True)
        deadline = time.monotonic() + 60
        mark = {p: p.stat().st_mtime_ns for p in expected}
        while process.poll() is None and time.monotonic() < deadline:
            if any(p.stat().st_mtime_ns != mark[p] for p in rng.sample(list(expected), 30)):
                break
            time.sleep(0.01)
        time.sleep(rng.uniform(0, 0.4))
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)  # the worker processes die too
            kills += 1
        process.wait(30)
        for path, (old, new) in expected.items():
            assert path.read_bytes() in (old, new), path
    assert kills >= 1
    finished = subprocess.run([sys.executable, "-m", "ssot_lsp", "fix", str(tmp_path), "--jobs", "2"],
                              cwd=tmp_path, capture_output=True, timeout=120)
    assert finished.returncode in (0, 1), finished.stderr[-2000:]
    assert all(path.read_bytes() == new for path, (old, new) in expected.items())
