#!/usr/bin/env python3
"""Apply the built-in presets to real old codebases and measure what `fix` does to them.

    python benchmarks/realworld.py [--only NAME[,NAME]] [--json out.json] [--markdown]
                                   [--no-tests] [--keep]

Needs pyflakes next to ssot-lsp (`pip install -e '.[benchmarks]'`); ssot-lsp itself is run
from this checkout (`python -m ssot_lsp` with the repository first on PYTHONPATH), so the
numbers are those of the engine in the working tree.

For each codebase in TARGETS (Django 1.11-2.x era apps for `django-4`, six/mock era libraries
for `py3-stdlib`):

1. download its sdist from PyPI with pip into benchmarks/.work/realworld/sdists (git-ignored,
   kept between runs) and unpack it into a temporary folder;
2. write `ssot.toml` with `presets = ["django-4", "py3-stdlib"]`;
3. `check --format json`: sites found, split by fix kind (auto / unsafe / manual / flag only);
4. `fix`, then: violations fixed (sites before minus sites a re-check still reports), files
   changed, compile failures (changed files that compiled before and no longer do), NEW
   pyflakes messages in the changed files (undefined names, redefinitions, unused imports,
   other), and binding hazards pyflakes cannot see: bindings the fix changed inside import
   guards (`try`/`except`, `if`/`else` blocks that import) while another branch still binds the
   name, and names the fix newly imports that the file also binds otherwise (a parameter,
   local variable or function of that name);
5. `fix` again: it must change nothing;
6. where the package's own tests run offline and cheaply, its test suite on the pristine and
   on the fixed copy (in a cached venv per codebase), compared test by test.

Targets: 0 compile failures, 0 new undefined names, 0 binding hazards, 0 second-run changes,
0 test regressions, and every codebase downloaded and processed (a failed download, a tool
crash or a test run without a report is a missed target, never a silent skip). Exit code: 0
when every target is met, 1 when one is missed, 2 on a usage error. The full diffs go to
benchmarks/.work/realworld/diffs/ for review. Time per phase is printed at the end.
"""

from __future__ import annotations

import argparse
import ast
import collections
import difflib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import warnings
import xml.etree.ElementTree as ElementTree
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / ".work" / "realworld"
CONFIG = 'presets = ["django-4", "py3-stdlib"]\n'


@dataclass(frozen=True)
class TestPlan:
    """How to run a codebase's own tests offline: pip requirements and a command in its root."""

    requirements: tuple[str, ...]
    command: tuple[str, ...]  # run with the venv's python; "{junit}" is the JUnit XML path


@dataclass(frozen=True)
class Target:
    name: str  # PyPI name
    version: str
    era: str  # what the codebase is an example of
    tests: TestPlan | None = None
    no_tests_reason: str = ""


def _pytest(*args: str) -> tuple[str, ...]:
    return ("-m", "pytest", "-q", "-p", "no:cacheprovider", "--junitxml={junit}", "-o", "junit_family=xunit2", *args)


# Django 2.2 is the release where both the old names and their replacements exist, so the same
# suite can run before and after the fix.
DJANGO_TESTS = ("Django~=2.2.0", "pytest<8", "pytest-django<4.6")
OLD_DJANGO = "its tests need Django 1.11, which does not run on Python 3.10+"
NO_TESTS = "the sdist ships no tests"

TARGETS: tuple[Target, ...] = (
    Target("django-cms", "3.5.3", "Django 1.8-1.11 app", no_tests_reason=OLD_DJANGO),
    Target("wagtail", "1.13.4", "Django 1.8-1.11 app", no_tests_reason=OLD_DJANGO),
    Target("djangorestframework", "3.7.7", "Django 1.10-2.0 library", no_tests_reason=NO_TESTS),
    Target("django-filter", "1.1.0", "Django 1.8-2.0 library",
           no_tests_reason="its tests need Django 2.0 or older (2.1 removed QUERY_TERMS), which do not run on Python 3.10+"),
    Target("django-crispy-forms", "1.7.2", "Django 1.8-2.1 library",
           TestPlan(DJANGO_TESTS, _pytest("--ds=crispy_forms.tests.test_settings", "crispy_forms/tests"))),
    Target("django-model-utils", "3.2.0", "Django 1.8-2.2 library", no_tests_reason="its test settings need a PostgreSQL server"),
    Target("django-extensions", "2.1.6", "Django 1.11-2.2 app", no_tests_reason=NO_TESTS),
    Target("django-debug-toolbar", "1.11", "Django 1.11-2.1 app", no_tests_reason=NO_TESTS),
    Target("django-taggit", "0.24.0", "Django 1.11-2.1 library",
           TestPlan((*DJANGO_TESTS, "mock"), _pytest("--ds=tests.settings", "tests/tests.py"))),
    Target("django-guardian", "1.5.1", "Django 1.11-2.1 library",
           TestPlan((*DJANGO_TESTS, "mock", "django-environ"), _pytest("guardian/testapp/tests"))),
    Target("python-dateutil", "2.7.5", "six-era library",
           TestPlan(("pytest", "six", "hypothesis", "freezegun"), _pytest("dateutil/test"))),
    Target("responses", "0.10.6", "six/mock-era library",
           TestPlan(("pytest", "six", "requests", "cookies", "mock"), _pytest("test_responses.py"))),
    Target("freezegun", "0.3.11", "six/mock-era library", no_tests_reason="tests need nose, which does not run on Python 3.10+"),
    Target("docker", "3.7.3", "six/mock-era library",
           TestPlan(("pytest", "six", "mock", "requests<2.32", "urllib3<2", "websocket-client", "docker-pycreds", "paramiko"),
                    _pytest("tests/unit"))),
)

PYFLAKES_KINDS = {
    "UndefinedName": "undefined", "UndefinedLocal": "undefined", "UndefinedExport": "undefined",
    "RedefinedWhileUnused": "redefinition", "ImportShadowedByLoopVar": "redefinition",
    "UnusedImport": "unused_import",
}


def log(message: str) -> None:
    print(f"[realworld] {message}", file=sys.stderr, flush=True)


# -- result ---------------------------------------------------------------------------
@dataclass
class Result:
    name: str
    version: str
    era: str
    error: str = ""  # download/unpack/tool failure: the codebase was not measured
    python_files: int = 0
    sites: int = 0
    by_fix: dict = field(default_factory=dict)  # auto / unsafe / manual / none
    by_rule: dict = field(default_factory=dict)
    fixed: int = 0
    auto_left: int = 0  # violations `check` announced as auto that a re-check still reports
    sites_left: int = 0
    new_sites: int = 0  # violations the re-check reports that the first check did not
    fix_reported: str = ""  # fix's own summary line
    skipped: list = field(default_factory=list)  # "file:line:col: CODE not fixed: reason"
    fix_errors: list = field(default_factory=list)
    files_changed: int = 0
    compile_failures: list = field(default_factory=list)
    pyflakes_new: dict = field(default_factory=dict)  # kind -> ["file:line: message"]
    pyflakes_unparsed: int = 0  # changed files pyflakes could not read before the fix (Python 2)
    binding_hazards: list = field(default_factory=list)
    second_run_files: list = field(default_factory=list)
    tests: dict = field(default_factory=dict)
    times: dict = field(default_factory=dict)

    def count(self, kind: str) -> int:
        return len(self.pyflakes_new.get(kind, []))

    def misses(self) -> list[str]:
        """The targets this codebase misses."""
        if self.error:
            return [f"not measured: {self.error}"]
        out = []
        if self.compile_failures:
            out.append(f"{len(self.compile_failures)} compile failures")
        if self.count("undefined"):
            out.append(f"{self.count('undefined')} new undefined names")
        if self.binding_hazards:
            out.append(f"{len(self.binding_hazards)} binding hazards (names the fixed code may not find bound)")
        if self.second_run_files:
            out.append(f"second run changed {len(self.second_run_files)} files")
        if self.tests.get("regressions"):
            out.append(f"{len(self.tests['regressions'])} test regressions")
        if self.tests.get("error"):
            out.append(f"tests could not run: {self.tests['error']}")
        return out


class Timer:
    def __init__(self, result: Result, phase: str) -> None:
        self.result, self.phase = result, phase

    def __enter__(self) -> None:
        self.start = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        elapsed = time.perf_counter() - self.start
        self.result.times[self.phase] = round(self.result.times.get(self.phase, 0.0) + elapsed, 2)


# -- download and unpack --------------------------------------------------------------
def download_sdist(target: Target) -> Path:
    folder = WORK / "sdists"
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{target.name}-{target.version}.".lower().replace("_", "-")

    def cached() -> list[Path]:
        return [p for p in folder.iterdir() if p.name.lower().replace("_", "-").startswith(stem)]

    if not cached():
        log(f"downloading {target.name} {target.version}")
        done = subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
                               "--disable-pip-version-check", "-d", str(folder), f"{target.name}=={target.version}"],
                              capture_output=True, text=True)
        if done.returncode != 0 or not cached():
            lines = [line for line in (done.stderr or done.stdout).splitlines() if not line.startswith("WARNING")]
            raise RuntimeError(f"download failed: {lines[-1][:200] if lines else 'pip exited ' + str(done.returncode)}")
    return cached()[0]


def unpack(archive: Path, destination: Path) -> Path:
    """Unpack an sdist into destination; returns its top folder."""
    destination.mkdir(parents=True, exist_ok=True)
    if archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive) as handle:
            handle.extractall(destination)
    else:
        with tarfile.open(archive) as handle:
            kwargs = {"filter": "data"} if sys.version_info >= (3, 12) else {}
            handle.extractall(destination, **kwargs)
    folders = [p for p in destination.iterdir() if p.is_dir()]
    if len(folders) != 1:
        raise RuntimeError(f"{archive.name} does not unpack into one folder")
    return folders[0]


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.py")) if p.is_file()}


def changed(before: dict[str, bytes], after: dict[str, bytes]) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


def unified(before: dict[str, bytes], after: dict[str, bytes], files: list[str]) -> str:
    out = []
    for name in files:
        old = before.get(name, b"").decode("utf-8", "replace").splitlines(keepends=True)
        new = after.get(name, b"").decode("utf-8", "replace").splitlines(keepends=True)
        out.extend(difflib.unified_diff(old, new, f"a/{name}", f"b/{name}"))
    return "".join(out)


# -- ssot-lsp ---------------------------------------------------------------------------
def ssot_lsp(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    return subprocess.run([sys.executable, "-m", "ssot_lsp", *args], cwd=root, env=env, capture_output=True, text=True)


def check(root: Path) -> list[dict]:
    done = ssot_lsp(root, "check", "--format", "json", ".")
    if done.returncode not in (0, 1):
        raise RuntimeError(f"check exited {done.returncode}: {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout or "[]")


def site_key(violation: dict) -> tuple:
    return (violation["file"], violation["code"], violation["message"])


SUMMARY = re.compile(r"^(Fixed|Would fix) \d+ violations? in .*$", re.M)


def run_fix(root: Path) -> tuple[str, list[str], list[str]]:
    """Runs `fix`; returns its summary line, the "not fixed" lines and the error lines."""
    done = ssot_lsp(root, "fix", ".")
    if done.returncode not in (0, 1, 2):
        raise RuntimeError(f"fix exited {done.returncode}: {done.stderr.strip()[-500:]}")
    output = done.stdout + "\n" + done.stderr
    summary = SUMMARY.search(output)  # informative only: every figure is measured on the files
    skipped = [line for line in output.splitlines() if " not fixed: " in line or " needs manual arguments" in line]
    errors = [line for line in output.splitlines() if ": error: " in line]
    return (summary.group(0) if summary else f"(no summary line; exit {done.returncode})"), skipped, errors


# -- verification -----------------------------------------------------------------------
def compiles(source: bytes, name: str) -> str:
    """"" when the source compiles, else the error."""
    try:
        with warnings.catch_warnings():  # old code's SyntaxWarnings are not this run's business
            warnings.simplefilter("ignore")
            compile(source, name, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return ""


def pyflakes_messages(source: bytes, name: str) -> list[tuple[str, str, int]] | None:
    """(kind, text, line) per pyflakes message; None when the source does not parse."""
    from pyflakes import checker

    try:
        tree = ast.parse(source, name)
    except (SyntaxError, ValueError):
        return None
    found = checker.Checker(tree, filename=name).messages
    return [(PYFLAKES_KINDS.get(type(m).__name__, "other"), m.message % m.message_args, m.lineno) for m in found]


def new_pyflakes(before: bytes, after: bytes, name: str) -> dict[str, list[str]] | None:
    """Messages in `after` beyond those in `before` (matched by kind and text, not line)."""
    old, new = pyflakes_messages(before, name), pyflakes_messages(after, name)
    if old is None or new is None:
        return None
    budget = collections.Counter((kind, text) for kind, text, _ in old)
    out: dict[str, list[str]] = {}
    for kind, text, line in sorted(new, key=lambda m: m[2]):
        if budget[(kind, text)] > 0:
            budget[(kind, text)] -= 1
        else:
            out.setdefault(kind, []).append(f"{name}:{line}: {text}")
    return out


def imported_names(statements: list[ast.stmt]) -> set[str]:
    """Names the import statements directly in a block bind."""
    names = set()
    for statement in statements:
        if isinstance(statement, ast.Import):
            names.update(alias.asname or alias.name.split(".")[0] for alias in statement.names)
        elif isinstance(statement, ast.ImportFrom):
            names.update(alias.asname or alias.name for alias in statement.names if alias.name != "*")
    return names


def import_guards(tree: ast.AST) -> list[tuple[int, bool, list[str], list[set[str]]]]:
    """Blocks whose branches import (try/except, if/else), in file order:
    (line, is_try, branch labels, names each branch's imports bind)."""
    guards = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Try):
            branches = [node.body] + [handler.body for handler in node.handlers]
            labels = ["try body"] + [f"except {ast.unparse(h.type) if h.type else ''}".rstrip() for h in node.handlers]
        elif isinstance(node, ast.If):
            branches, labels = [node.body, node.orelse], [f"if {ast.unparse(node.test)[:40]}", "else"]
        else:
            continue
        bound = [imported_names(branch) for branch in branches]
        if any(bound):
            guards.append((node.lineno, isinstance(node, ast.Try), labels, bound))
    return sorted(guards, key=lambda guard: guard[0])


def guard_hazards(before: bytes, after: bytes, name: str) -> list[str]:
    """Bindings the fix changed inside import guards in a way that can fail at run time:
    a branch that no longer binds a name still used (or that lost all its imports), and a
    name newly bound by one branch but not by its siblings (a merge into a try body or an
    `if TYPE_CHECKING:` block). pyflakes sees neither while another branch binds the name."""
    try:
        old_tree, new_tree = ast.parse(before, name), ast.parse(after, name)
    except (SyntaxError, ValueError):
        return []
    old, new = import_guards(old_tree), import_guards(new_tree)
    if len(old) != len(new):
        return [f"{name}: {len(old)} import-guard blocks before the fix, {len(new)} after"]
    used = {node.id for node in ast.walk(new_tree) if isinstance(node, ast.Name)}
    unconditional = imported_names(new_tree.body)  # a name the module imports outside any guard
    hazards = []
    for (line, is_try, labels, was), (_, _, _, now) in zip(old, new):
        for index, label in enumerate(labels):
            emptied = bool(was[index]) and not now[index]
            for lost in sorted(was[index] - now[index]):
                if lost in used or emptied:
                    hazards.append(f"{name}:{line}: `{label}` no longer binds `{lost}`")
            siblings = [now[i] for i in range(len(labels)) if i != index and (is_try or labels[i] != "else" or now[i])]
            for gained in sorted(now[index] - was[index]):
                if gained in used and gained not in unconditional and not all(gained in s for s in siblings):
                    hazards.append(f"{name}:{line}: `{gained}` is now bound by `{label}` only")
    return hazards


def module_imports(tree: ast.Module) -> set[str]:
    """Names bound by imports at module level, guards included (not inside functions or classes)."""
    names, pending = set(), list(tree.body)
    while pending:
        statement = pending.pop()
        names |= imported_names([statement])
        if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            pending.extend(child for child in ast.iter_child_nodes(statement) if isinstance(child, ast.stmt))
    return names


def other_bindings(tree: ast.AST) -> dict[str, int]:
    """First line where the file binds each name other than by an import (any scope)."""
    lines: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            bound = node.id
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound = node.name
        elif isinstance(node, ast.arg):
            bound = node.arg
        else:
            continue
        lines[bound] = min(lines.get(bound, node.lineno), node.lineno)
    return lines


def import_collisions(before: bytes, after: bytes, name: str) -> list[str]:
    """Names a fix newly imports at module level that the file also binds otherwise (a local
    variable, parameter, function or assignment of that name): there the new import's name
    is not what the rewritten code expects."""
    try:
        old_tree, new_tree = ast.parse(before, name), ast.parse(after, name)
    except (SyntaxError, ValueError):
        return []
    taken = other_bindings(new_tree)
    gained = module_imports(new_tree) - module_imports(old_tree)
    return [f"{name}:{taken[n]}: the fix imports `{n}`, which the file also binds here" for n in sorted(gained & taken.keys())]


def verify(result: Result, before: dict[str, bytes], after: dict[str, bytes], files: list[str]) -> None:
    for name in files:
        old, new = before.get(name, b""), after.get(name, b"")
        if not compiles(old, name):
            problem = compiles(new, name)
            if problem:
                result.compile_failures.append(f"{name}: {problem}")
        fresh = new_pyflakes(old, new, name)
        if fresh is None:
            result.pyflakes_unparsed += 1
        else:
            for kind, messages in fresh.items():
                result.pyflakes_new.setdefault(kind, []).extend(messages)
        result.binding_hazards.extend(guard_hazards(old, new, name))
        result.binding_hazards.extend(import_collisions(old, new, name))


# -- tests --------------------------------------------------------------------------------
def test_venv(target: Target, plan: TestPlan) -> Path:
    venv = WORK / "venvs" / f"{target.name}-{target.version}"
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    stamp = venv / ".installed"
    wanted = "\n".join(plan.requirements)
    if stamp.exists() and stamp.read_text() == wanted:
        return python
    log(f"{target.name}: creating a test venv with {', '.join(plan.requirements)}")
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    done = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *plan.requirements],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"installing test requirements failed: {done.stderr.strip().splitlines()[-1:]}")
    stamp.write_text(wanted)
    return python


def run_tests(python: Path, plan: TestPlan, root: Path, junit: Path) -> dict[str, str]:
    """Runs the plan in root; returns {test id: passed / failed / skipped}."""
    command = [str(python), *(part.replace("{junit}", str(junit)) for part in plan.command)]
    env = dict(os.environ, PYTHONPATH=str(root), PYTHONDONTWRITEBYTECODE="1")
    env.pop("CI", None)
    subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=900)
    if not junit.exists():
        raise RuntimeError(f"the test run wrote no report ({' '.join(plan.command)})")
    outcomes = {}
    for case in ElementTree.parse(junit).iter("testcase"):
        test_id = f"{case.get('classname', '')}::{case.get('name', '')}"
        tags = {child.tag for child in case}
        outcomes[test_id] = "failed" if tags & {"failure", "error"} else "skipped" if "skipped" in tags else "passed"
    return outcomes


def compare_tests(before: dict[str, str], after: dict[str, str]) -> dict:
    def tally(outcomes: dict[str, str]) -> dict[str, int]:
        return dict(collections.Counter(outcomes.values()))

    regressions = sorted(t for t, outcome in before.items() if outcome == "passed" and after.get(t) != "passed")
    return {"before": tally(before), "after": tally(after), "regressions": regressions}


# -- one codebase -------------------------------------------------------------------------
def measure(target: Target, run_test_suites: bool, keep: bool) -> Result:
    result = Result(target.name, target.version, target.era)
    temp = Path(tempfile.mkdtemp(prefix=f"ssot-realworld-{target.name}-"))
    try:
        with Timer(result, "download"):
            archive = download_sdist(target)
        with Timer(result, "unpack"):
            root = unpack(archive, temp / "fixed")
            (root / "ssot.toml").write_text(CONFIG)
            before = snapshot(root)
        result.python_files = len(before)
        with Timer(result, "check"):
            found = check(root)
        result.sites = len(found)
        result.by_fix = dict(collections.Counter(str(v.get("fix") or "none") for v in found))
        result.by_rule = dict(sorted(collections.Counter(v["code"] for v in found).items()))
        with Timer(result, "fix"):
            result.fix_reported, result.skipped, result.fix_errors = run_fix(root)
        after = snapshot(root)
        files = changed(before, after)
        result.files_changed = len(files)
        (WORK / "diffs").mkdir(parents=True, exist_ok=True)
        (WORK / "diffs" / f"{target.name}.diff").write_text(unified(before, after, files), encoding="utf-8")
        with Timer(result, "verify"):
            verify(result, before, after, files)
        with Timer(result, "check"):
            left = check(root)
        first = collections.Counter(site_key(v) for v in found)
        still = collections.Counter(site_key(v) for v in left)
        result.sites_left = len(left)
        result.fixed = sum((first - still).values())
        result.new_sites = sum((still - first).values())
        announced_auto = collections.Counter(site_key(v) for v in found if v.get("fix") == "auto")
        result.auto_left = sum((announced_auto & still).values())
        with Timer(result, "fix"):
            run_fix(root)
        again = snapshot(root)
        result.second_run_files = changed(after, again)
        if result.second_run_files:
            (WORK / "diffs" / f"{target.name}.second-run.diff").write_text(
                unified(after, again, result.second_run_files), encoding="utf-8")
        if run_test_suites and target.tests is not None:
            with Timer(result, "tests"):
                result.tests = test_suites(target, archive, temp, root)
        elif target.tests is None:
            result.tests = {"not_run": target.no_tests_reason}
        else:
            result.tests = {"not_run": "--no-tests"}
    except (RuntimeError, OSError, subprocess.SubprocessError, ValueError) as exc:
        result.error = str(exc)
        log(f"{target.name}: {exc}")
    finally:
        if keep:
            log(f"{target.name}: kept {temp}")
        else:
            shutil.rmtree(temp, ignore_errors=True)
    return result


def test_suites(target: Target, archive: Path, temp: Path, fixed_root: Path) -> dict:
    plan = target.tests
    assert plan is not None
    try:
        python = test_venv(target, plan)
        pristine = unpack(archive, temp / "pristine")
        before = run_tests(python, plan, pristine, temp / "junit-before.xml")
        after = run_tests(python, plan, fixed_root, temp / "junit-after.xml")
    except (RuntimeError, OSError, subprocess.SubprocessError, ElementTree.ParseError) as exc:
        return {"error": str(exc)}
    return compare_tests(before, after)


# -- output ---------------------------------------------------------------------------------
def machine() -> dict:
    info = {"date": time.strftime("%Y-%m-%d"), "python": platform.python_version(), "platform": platform.platform(),
            "cores": os.cpu_count()}
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        info["cpu"] = next((r.split(":", 1)[1].strip() for r in lscpu.splitlines() if r.startswith("Model name")), "")
    except OSError:
        info["cpu"] = platform.processor()
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "ssot_lsp"], capture_output=True, text=True)
    info["ssot_lsp_commit"] = (commit.stdout.strip() or "unknown") + (" (ssot_lsp/ modified)" if dirty.stdout.strip() else "")
    try:
        from pyflakes import __version__ as pyflakes_version
    except ImportError:
        pyflakes_version = "missing"
    info["pyflakes"] = pyflakes_version
    return info


def tests_cell(tests: dict) -> str:
    if "not_run" in tests:
        return "not run"
    if "error" in tests:
        return "error"
    b, a = tests["before"], tests["after"]
    return f"{b.get('passed', 0)}→{a.get('passed', 0)} passed, {len(tests['regressions'])} regr."


def table(results: list[Result]) -> str:
    head = ["Codebase", ".py files", "Sites (auto/unsafe/manual/flag)", "Fixed", "Auto left", "Files changed",
            "Compile failures", "New undefined", "New redefinitions", "New unused imports", "Other new pyflakes",
            "Binding hazards", "2nd-run changes", "Tests", "Time (s)"]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        if r.error:
            rows.append(f"| {r.name} {r.version} | " + " | ".join(["—"] * (len(head) - 2)) + f" | failed: {r.error[:80]} |")
            continue
        split = "/".join(str(r.by_fix.get(k, 0)) for k in ("auto", "unsafe", "manual", "none"))
        cells = [f"{r.name} {r.version}", r.python_files, f"{r.sites} ({split})", r.fixed, r.auto_left, r.files_changed,
                 len(r.compile_failures), r.count("undefined"), r.count("redefinition"), r.count("unused_import"),
                 r.count("other"), len(r.binding_hazards), len(r.second_run_files), tests_cell(r.tests),
                 f"{sum(r.times.values()):.0f}"]
        rows.append("| " + " | ".join(str(c) for c in cells) + " |")
    rows.append(totals_row(results))
    return "\n".join(rows)


def totals_row(results: list[Result]) -> str:
    measured = [r for r in results if not r.error]

    def total(value) -> int:
        return sum(value(r) for r in measured)

    cells = [total(lambda r: r.python_files), total(lambda r: r.sites), total(lambda r: r.fixed),
             total(lambda r: r.auto_left), total(lambda r: r.files_changed), total(lambda r: len(r.compile_failures)),
             *(total(lambda r, kind=kind: r.count(kind)) for kind in ("undefined", "redefinition", "unused_import", "other")),
             total(lambda r: len(r.binding_hazards)), total(lambda r: len(r.second_run_files)),
             f"{total(lambda r: len(r.tests.get('regressions', [])))} regr.", f"{sum(sum(r.times.values()) for r in results):.0f}"]
    return "| **total** | " + " | ".join(str(cell) for cell in cells) + " |"


def findings(results: list[Result]) -> str:
    out = []
    for r in results:
        lines = []
        for label, items in (("compile failure", r.compile_failures), ("new undefined name", r.pyflakes_new.get("undefined", [])),
                             ("new redefinition", r.pyflakes_new.get("redefinition", [])),
                             ("new unused import", r.pyflakes_new.get("unused_import", [])),
                             ("other new pyflakes message", r.pyflakes_new.get("other", [])),
                             ("binding hazard", r.binding_hazards), ("second-run change", r.second_run_files),
                             ("fix error", r.fix_errors), ("not fixed", r.skipped),
                             ("test regression", r.tests.get("regressions", []))):
            lines.extend(f"  - {label}: {item}" for item in items)
        if r.tests.get("error"):
            lines.append(f"  - tests: {r.tests['error']}")
        if r.error:
            lines.append(f"  - not measured: {r.error}")
        if lines:
            out.append(f"- **{r.name} {r.version}**\n" + "\n".join(lines))
    return "\n".join(out) or "None."


def timings(results: list[Result]) -> str:
    phases = ["download", "unpack", "check", "fix", "verify", "tests"]
    rows = ["| Codebase | " + " | ".join(phases) + " |", "|---|" + "---|" * len(phases)]
    for r in results:
        rows.append(f"| {r.name} | " + " | ".join(f"{r.times.get(p, 0):.1f}" for p in phases) + " |")
    total = {p: sum(r.times.get(p, 0) for r in results) for p in phases}
    rows.append("| **total** | " + " | ".join(f"{total[p]:.1f}" for p in phases) + " |")
    return "\n".join(rows)


def markdown(results: list[Result], info: dict) -> str:
    return "\n\n".join([
        f"Run on {info['date']}: {info.get('cpu', '')} ({info['cores']} cores), Python {info['python']}, "
        f"{info['platform']}; ssot-lsp at commit {info['ssot_lsp_commit']}; pyflakes {info['pyflakes']}.",
        table(results),
        "Columns: *Sites* is what `check` reports, split by the fix it announces; *Fixed* is how many of those a re-check "
        "no longer reports; *Auto left* counts violations announced as `auto` that a re-check still reports; the "
        "pyflakes columns count messages in changed files that were not there before the fix; *Binding hazards* are "
        "names the fixed code may not find bound as it expects, which pyflakes does not report: inside import guards "
        "(`try`/`except`, `if`/`else` blocks that import) a branch that no longer binds a name the file still uses, a "
        "fallback emptied to `pass`, a name newly bound by one branch only; and a name the fix newly imports that the "
        "file also binds otherwise (a parameter, local variable, function).",
        "Targets missed:\n\n" + ("\n".join(f"- {r.name}: {m}" for r in results for m in r.misses()) or "None."),
        "Findings:\n\n" + findings(results),
        "Seconds per phase:\n\n" + timings(results),
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", default=[], metavar="NAME", help="only these codebases (PyPI names, comma-separated)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the results as JSON")
    parser.add_argument("--markdown", action="store_true", help="print the full Markdown section (table, findings, timings)")
    parser.add_argument("--no-tests", action="store_true", help="skip the codebases' own test suites")
    parser.add_argument("--keep", action="store_true", help="keep the unpacked, fixed copies (their paths are printed)")
    args = parser.parse_args(argv)
    try:
        import pyflakes  # noqa: F401
    except ImportError:
        print("error: pyflakes is missing: pip install -e '.[benchmarks]'", file=sys.stderr)
        return 2
    wanted = {name.strip() for part in args.only for name in part.split(",") if name.strip()}
    unknown = wanted - {t.name for t in TARGETS}
    if unknown:
        print(f"error: unknown codebase {', '.join(sorted(unknown))}; known: {', '.join(t.name for t in TARGETS)}",
              file=sys.stderr)
        return 2
    selected = [t for t in TARGETS if not wanted or t.name in wanted]
    info = machine()
    results = []
    for target in selected:
        log(f"{target.name} {target.version}")
        result = measure(target, not args.no_tests, args.keep)
        log(f"{target.name}: {result.sites} sites, {result.fixed} fixed, {result.files_changed} files changed, "
            f"{sum(result.times.values()):.1f}s ({', '.join(f'{k} {v:.1f}' for k, v in result.times.items())})")
        results.append(result)
    if args.json:
        payload = {"machine": info, "results": [dict(vars(r), misses=r.misses()) for r in results]}
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(markdown(results, info) if args.markdown else table(results) + "\n\n" + timings(results))
    missed = [(r.name, m) for r in results for m in r.misses()]
    for name, miss in missed:
        print(f"target missed: {name}: {miss}", file=sys.stderr)
    if len(results) - sum(1 for r in results if r.error) < min(8, len(selected)):
        print("target missed: fewer than 8 codebases measured", file=sys.stderr)
        return 1
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
