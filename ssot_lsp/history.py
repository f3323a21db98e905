"""`ssot-lsp report --history`: the score and the violation counts per commit (SPEC §14).

Nothing is checked out and the work tree is never touched. Each commit's tree is listed
with `git ls-tree`, and the blobs of its Python files and configuration files are read
through one `git cat-file --batch` process into a private mirror under the user cache
folder; the mirror is updated by difference from one commit to the next, because the
registry reads workspace modules (canonical modules, re-exports) from files. Each file is
then counted exactly as `report` counts it.

Incremental: each file's counts are cached (SQLite, in the same cache folder) under its
blob id, its path and a *context* key: the ssot-lsp version, the configuration blobs,
the list of Python paths (which modules exist), and the blobs of the files whose content
can change another file's result — packages' `__init__.py`, stubs, canonical modules and
the modules the rules name (every file, with `infer = true`: inferred rules come from any
module). A new commit that edits ordinary modules costs only those files. (A re-export through an ordinary module not named by any rule is the one thing the
key does not see; `--no-cache` recomputes everything.)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Optional

if TYPE_CHECKING:
    from .config import Config
    from .batch import FileResult

_CONFIG_NAMES = ("ssot.toml", "pyproject.toml")
_KEPT_NAMES = _CONFIG_NAMES + (".gitignore",)  # `.gitignore` decides discovery, done for each commit
_SUFFIXES = (".py", ".pyi")
_CONTEXT_NAMES = ("__init__.py", "__init__.pyi")
FORMAT = 1  # bump when the cached record's shape changes


class HistoryError(Exception):
    """git is missing, the folder is not in a repository, or a git command failed."""


# -- git ------------------------------------------------------------------------------
def _git(root: Path, *args: str) -> str:
    try:
        result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, encoding="utf-8")
    except OSError as exc:
        raise HistoryError(f"cannot run git: {exc}") from None
    if result.returncode != 0:
        raise HistoryError(f"git {' '.join(args)}: {result.stderr.strip() or 'failed'}")
    return result.stdout


def repository_root(folder: Path) -> Path:
    return Path(_git(folder, "rev-parse", "--show-toplevel").strip())


def list_commits(root: Path, commits: Optional[int] = None, since: Optional[str] = None) -> list[tuple[str, str]]:
    """(commit id, committer date ISO 8601) along the first-parent history of HEAD, oldest first."""
    args = ["log", "--first-parent", "--format=%H %cI"]
    if commits is not None:
        args.append(f"-n{commits}")
    if since is not None:
        args.append(f"--since={since}")
    lines = _git(root, *args, "HEAD").split("\n")
    pairs = [line.split(" ", 1) for line in reversed(lines) if line.strip()]
    return [(commit, date) for commit, date in pairs]


def list_tree(root: Path, commit: str) -> dict[str, str]:
    """path -> blob id of the regular files of `commit` that a report reads."""
    entries: dict[str, str] = {}
    for record in _git(root, "ls-tree", "-r", "-z", "--full-tree", commit).split("\0"):
        if not record:
            continue
        meta, path = record.split("\t", 1)
        mode, kind, blob = meta.split()
        if kind != "blob" or mode not in ("100644", "100755"):
            continue
        name = path.rsplit("/", 1)[-1]
        if name.endswith(_SUFFIXES) or name in _KEPT_NAMES:
            entries[path] = blob
    return entries


class BlobReader:
    """One `git cat-file --batch` process answering blob ids with their bytes."""

    def __init__(self, root: Path):
        self.process = subprocess.Popen(["git", "cat-file", "--batch"], cwd=root, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE)

    def read(self, blob: str) -> bytes:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(blob.encode("ascii") + b"\n")
        self.process.stdin.flush()
        header = self.process.stdout.readline().split()
        if len(header) != 3:
            raise HistoryError(f"git cat-file: no blob {blob}")
        data = self.process.stdout.read(int(header[2]))
        self.process.stdout.read(1)  # the newline after the contents
        return data

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait()


# -- cache ----------------------------------------------------------------------------
def cache_folder(root: Path) -> Path:
    """Per-repository folder under the user cache folder (never in the work tree)."""
    base = os.environ.get("SSOT_LSP_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    if not base:
        base = os.environ.get("LOCALAPPDATA") if sys.platform == "win32" else None
        base = base or os.path.join(os.path.expanduser("~"), ".cache")
    digest = hashlib.sha256(str(root.resolve()).encode("utf-8")).hexdigest()[:16]
    return Path(base) / "ssot-lsp" / "history" / digest


class TallyCache:
    def __init__(self, folder: Path, enabled: bool = True):
        folder.mkdir(parents=True, exist_ok=True)
        self.enabled = enabled
        self.db = sqlite3.connect(str(folder / "tallies.sqlite"))
        self.db.execute("CREATE TABLE IF NOT EXISTS tally (key TEXT PRIMARY KEY, value TEXT)")
        self.hits = self.misses = 0

    def get(self, key: str) -> Optional[dict[str, Any]]:
        row = self.db.execute("SELECT value FROM tally WHERE key = ?", (key,)).fetchone() if self.enabled else None
        if row is None:
            self.misses += 1
            return None
        self.hits += 1
        record: dict[str, Any] = json.loads(row[0])
        return record

    def put(self, key: str, value: dict[str, Any]) -> None:
        self.db.execute("INSERT OR REPLACE INTO tally VALUES (?, ?)", (key, json.dumps(value)))

    def close(self) -> None:
        self.db.commit()
        self.db.close()


# -- the mirror -----------------------------------------------------------------------
@dataclass
class Mirror:
    """The Python and configuration files of one commit, kept up to date by difference."""

    folder: Path
    reader: BlobReader
    files: dict[str, str] = field(default_factory=dict)  # path -> blob id written

    def load(self) -> None:
        try:
            self.files = json.loads((self.folder.parent / "mirror.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            shutil.rmtree(self.folder, ignore_errors=True)
            self.files = {}
        if not self.folder.is_dir():
            self.files = {}

    def move_to(self, tree: dict[str, str]) -> None:
        for path in [p for p in self.files if p not in tree]:
            (self.folder / path).unlink(missing_ok=True)
            del self.files[path]
        for path, blob in tree.items():
            if self.files.get(path) == blob:
                continue
            target = self.folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(self.reader.read(blob))
            self.files[path] = blob
        (self.folder.parent / "mirror.json").write_text(json.dumps(self.files), encoding="utf-8")


# -- counting -------------------------------------------------------------------------
def _context_key(tree: dict[str, str], configs: Iterable[Config], version: str) -> str:
    targets: set[str] = set()
    for config in configs:
        targets.update(config.canonical_modules)
        for rule in config.rules:
            targets.add(rule.name)
            if rule.replacement:
                targets.add(rule.replacement)
    # Inferred rules (SPEC §13) come from any module's deprecations: then every blob counts.
    inferred = any(getattr(config, "infer", False) for config in configs)
    digest = hashlib.sha256(f"{FORMAT}\0{version}".encode("utf-8"))
    for path in sorted(tree):
        name = path.rsplit("/", 1)[-1]
        digest.update(path.encode("utf-8") + b"\0")
        if inferred or name in _CONFIG_NAMES or name in _CONTEXT_NAMES or name.endswith(".pyi") or _named(path, targets):
            digest.update(tree[path].encode("ascii"))
    return digest.hexdigest()


def _named(path: str, targets: set[str]) -> bool:
    """Whether a module file may be one a rule or canonical module names (any `src` root)."""
    parts = path[: path.rfind(".")].split("/")
    for start in range(len(parts)):
        module = ".".join(parts[start:])
        if any(target == module or target.startswith(module + ".") for target in targets):
            return True
    return False


def _record(tally: FileResult) -> dict[str, Any]:
    return {"governed": tally.governed, "canonical": tally.canonical, "error": tally.error,
            "violations": [[v.code, v.fix] for v in tally.violations]}


def count_commit(mirror: Mirror, tree: dict[str, str], paths: list[str], cache: TallyCache, version: str) -> dict[str, Any]:
    """Score, counts, `by_rule` and `by_phase` of the mirror's current commit."""
    from . import phases as phase_module
    from .batch import check_file
    from .configs import ConfigStore
    from .report import discover_governed, tally

    discovery, configs = discover_governed((str(mirror.folder / p) for p in paths), ConfigStore())
    context = _context_key(tree, configs.values(), version)
    counted: list[phase_module.Counted] = []
    by_rule: dict[str, int] = {}
    errors: list[str] = []
    canonical = total = 0
    for path, cfg in discovery.files:
        relative = path.relative_to(mirror.folder).as_posix()
        key = hashlib.sha256(f"{context}\0{relative}\0{tree.get(relative, '')}".encode("utf-8")).hexdigest()
        record = cache.get(key)
        if record is None:
            record = _record(check_file(discovery.store, path, count=tally))
            cache.put(key, record)
        if record["error"]:
            errors.append(f"{relative}: {record['error']}")
        canonical += record["canonical"]
        total += record["governed"]
        codes = [code for code, _ in record["violations"]]
        for code in codes:
            by_rule[code] = by_rule.get(code, 0) + 1
        counted.append(phase_module.Counted(
            phase_module.phase_of_file(cfg, path), record["governed"], record["canonical"],
            tuple((phase_module.phase_of_violation(cfg, path, code), fix) for code, fix in record["violations"])))
    rows = phase_module.by_phase(phase_module.declared(configs.values()), counted)
    return {
        "score": 100.0 if total == 0 else round(100.0 * canonical / total, 1),
        "canonical": canonical,
        "total": total,
        "violations": sum(by_rule.values()),
        "files": len(discovery.files),
        "by_rule": dict(sorted(by_rule.items(), key=lambda item: (-item[1], item[0]))),
        "by_phase": [{key: row[key] for key in ("name", "files", "violations", "canonical", "total", "score")}
                     for row in rows],
        "errors": errors,
    }


def history(paths: list[str], commits: Optional[int] = None, since: Optional[str] = None,
            use_cache: bool = True) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """One point per commit, oldest first, and the cache's hit and miss counts.

    Raises HistoryError (git problems, paths outside the repository); a commit whose
    configuration is invalid gets a point with `error` instead of numbers.
    """
    from .meta import version as installed_version
    from .model import ConfigurationError

    root = repository_root(Path.cwd())
    relative = []
    for raw in paths:
        inside = os.path.relpath(os.path.abspath(raw), root)
        if inside == ".." or inside.startswith(".." + os.sep):
            raise HistoryError(f"{raw} is outside the repository {root}")
        relative.append(Path(inside).as_posix())
    folder = cache_folder(root)
    cache = TallyCache(folder, enabled=use_cache)
    reader = BlobReader(root)
    mirror = Mirror(folder / "tree", reader)
    mirror.load()
    version = installed_version()
    points = []
    try:
        for commit, date in list_commits(root, commits, since):
            tree = list_tree(root, commit)
            mirror.move_to(tree)
            point: dict[str, Any] = {"commit": commit, "date": date}
            try:
                point.update(count_commit(mirror, tree, relative, cache, version))
            except ConfigurationError as exc:
                point["error"] = "; ".join(str(error) for error in exc.errors)
            points.append(point)
    finally:
        reader.close()
        cache.close()
    return points, {"hits": cache.hits, "misses": cache.misses}


def run_history(args: argparse.Namespace) -> int:
    """`report --history`: print the points (json, markdown) or the burn-down page (html)."""
    from .cli_common import write_report
    from .render.campaign import history_html, history_markdown

    if not args.history:
        print("error: --commits and --since need --history", file=sys.stderr)
        return 2
    try:
        points, stats = history(args.paths, args.commits, args.since)
    except HistoryError as exc:
        print(f"error: --history: {exc}", file=sys.stderr)
        return 2
    write_report(points, args, history_html, history_markdown)
    failed = [p for p in points if "error" in p]
    for point in failed:
        print(f"error: {point['commit'][:10]}: {point['error']}", file=sys.stderr)
    print(f"{len(points)} commit{'s' if len(points) != 1 else ''}; {stats['hits']} file counts from the cache, "
          f"{stats['misses']} computed.", file=sys.stderr)
    return 2 if failed else 0
