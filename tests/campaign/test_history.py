"""`report --history` (SPEC §14) on a repository built here: three commits migrating step by step."""

from __future__ import annotations

import io
import json
import os
import subprocess
import tarfile
from pathlib import Path

import pytest

from ssot_lsp.report import build_report

from .workspace import git, ssot, write_workspace


def commit_all(repo: Path, message: str, date: str) -> None:
    git(repo, "add", "-A")
    env_date = f"{date}T12:00:00+00:00"
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", message],
                   cwd=repo, check=True, env={**os.environ, "GIT_AUTHOR_DATE": env_date,
                                              "GIT_COMMITTER_DATE": env_date})


def fix_file(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace("from pkg.old import", "from pkg.new import"),
                    encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = write_workspace(tmp_path / "repo")
    git(repo, "init", "-q")
    commit_all(repo, "start", "2026-01-05")
    fix_file(repo / "app/core/a.py")
    commit_all(repo, "phase golden", "2026-01-12")
    fix_file(repo / "app/other.py")
    fix_file(repo / "app/services/b.py")
    commit_all(repo, "the rest", "2026-01-19")
    (repo / "untracked.py").write_text("from pkg.old import thing\n", encoding="utf-8")  # not in any commit
    return repo


@pytest.fixture
def env(tmp_path: Path) -> dict:
    return {**os.environ, "SSOT_LSP_CACHE_DIR": str(tmp_path / "cache")}


def history(repo: Path, env: dict, *args: str) -> tuple[list[dict], str]:
    result = ssot(repo, "report", "--history", "--format", "json", *args, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), result.stderr


def checkout_report(repo: Path, commit: str, target: Path) -> dict:
    """`report` on a real checkout of `commit` (extracted from `git archive`)."""
    archive = subprocess.run(["git", "archive", commit], cwd=repo, capture_output=True, check=True).stdout
    target.mkdir()
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target)
    return build_report([str(target)]).as_json()


def state(repo: Path) -> tuple:
    files = {p.relative_to(repo).as_posix(): p.read_bytes() for p in repo.rglob("*") if p.is_file()}
    return git(repo, "status", "--porcelain", "--ignored"), git(repo, "rev-parse", "HEAD"), files


def test_history_equals_report_on_each_checkout_and_leaves_the_work_tree_alone(repo: Path, env: dict,
                                                                               tmp_path: Path):
    before = state(repo)
    points, _ = history(repo, env)
    assert state(repo) == before
    assert [p["date"][:10] for p in points] == ["2026-01-05", "2026-01-12", "2026-01-19"]
    assert [p["violations"] for p in points] == [4, 3, 1]  # only CALL001 (flag only) is left
    for index, point in enumerate(points):
        expected = checkout_report(repo, point["commit"], tmp_path / f"checkout{index}")
        assert (point["score"], point["canonical"], point["total"], point["violations"]) == (
            expected["score"], expected["canonical"], expected["total"], expected["violations"])
        assert point["by_rule"] == {row["code"]: row["count"] for row in expected["by_rule"]}
        assert point["by_phase"] == [
            {key: row[key] for key in ("name", "files", "violations", "canonical", "total", "score")}
            for row in expected["by_phase"]]


def test_the_cache_answers_a_second_run_and_a_new_commit_costs_its_files(repo: Path, env: dict):
    first, log = history(repo, env)
    # 9 files in each of 3 commits: the first commit's, then only the files each commit changed.
    assert "15 file counts from the cache, 12 computed" in log
    second, log = history(repo, env)
    assert second == first
    assert "27 file counts from the cache, 0 computed" in log
    (repo / "untracked.py").unlink()
    other = repo / "app/other.py"
    other.write_text(other.read_text(encoding="utf-8") + "from pkg.old import thing as again\n", encoding="utf-8")
    commit_all(repo, "a regression", "2026-01-20")
    third, log = history(repo, env, "--commits", "2")
    assert "17 file counts from the cache, 1 computed" in log  # only app/other.py changed
    assert third[0] == first[-1]
    assert third[1]["violations"] == 2 and third[1]["by_rule"] == {"CALL001": 1, "OLD001": 1}


def test_since_selects_commits_and_formats_render(repo: Path, env: dict):
    points, _ = history(repo, env, "--since", "2026-01-10")
    assert [p["date"][:10] for p in points] == ["2026-01-12", "2026-01-19"]
    html = ssot(repo, "report", "--history", "--format", "html", env=env)
    assert html.returncode == 0
    assert '<svg class="chart burndown"' in html.stdout and "<polyline" in html.stdout
    assert "http" not in html.stdout.replace("http://www.w3.org", "")
    markdown = ssot(repo, "report", "--history", env=env)
    assert "| Commit | Date | Score |" in markdown.stdout and "2026-01-19" in markdown.stdout


def test_history_outside_a_repository_is_an_error(tmp_path: Path, env: dict):
    folder = write_workspace(tmp_path / "plain")
    result = ssot(folder, "report", "--history", env={**env, "GIT_CEILING_DIRECTORIES": str(tmp_path)})
    assert result.returncode == 2 and "error: --history:" in result.stderr


def test_a_commit_with_a_broken_configuration_is_reported_not_skipped(repo: Path, env: dict):
    config = repo / "ssot.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('kind = "module"', 'kind = "modul"'),
                      encoding="utf-8")
    commit_all(repo, "a typo", "2026-01-21")
    result = ssot(repo, "report", "--history", "--commits", "2", env=env)
    assert result.returncode == 2
    last = result.stdout.strip().splitlines()[-1]
    assert "| error: " in last and "rules[0].kind" in last and "'modul'" in last
    assert f"error: {git(repo, 'rev-parse', 'HEAD')[:10]}" in result.stderr
    html = ssot(repo, "report", "--history", "--commits", "2", "--format", "html", env=env)
    assert html.returncode == 2 and "<polyline" in html.stdout and "error:" in html.stdout


def test_the_cache_context_sees_what_can_change_other_files():
    from types import SimpleNamespace

    from ssot_lsp.history import _context_key

    rule = SimpleNamespace(name="pkg.old", replacement="pkg.new")
    config = SimpleNamespace(canonical_modules=("pkg.new",), rules=(rule,), infer=False)
    tree = {"ssot.toml": "c1", "pkg/__init__.py": "i1", "pkg/new.py": "n1", "app/a.py": "a1"}

    def key(changes: dict, infer: bool = False, removed: tuple = ()) -> str:
        changed = {path: blob for path, blob in {**tree, **changes}.items() if path not in removed}
        return _context_key(changed, [SimpleNamespace(**{**vars(config), "infer": infer})], "1.0")

    same = key({})
    assert key({"app/a.py": "a2"}) == same  # an ordinary module: only its own count changes
    for changes in ({"ssot.toml": "c2"}, {"pkg/__init__.py": "i2"}, {"pkg/new.py": "n2"}, {"app/b.py": "b1"}):
        assert key(changes) != same, changes
    assert key({}, removed=("app/a.py",)) != same
    assert key({"app/a.py": "a2"}, infer=True) != key({}, infer=True)  # inferred rules: any module counts
