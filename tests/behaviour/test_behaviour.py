"""Fixes preserve behaviour: every fix path, on small runnable projects (SPEC §4, §12).

Each folder under `projects/` is a runnable project with a registry, old and new modules that
behave the same, a `main.py` that prints what the code does, and an `expect.toml` naming the
violations a careful fixer must fix, must leave alone, or must treat as unsafe (README.md).

For every project the tests run `main.py` before fixing, then after each fix path, on a fresh
copy each time, and require the same output:
- `ssot-lsp fix` (which must also fix exactly the must-fix violations, compile, keep the rest);
- every SARIF fix from `check --format sarif`, each applied alone;
- the editor's `source.fixAll.ssot` code action, over the language server protocol;
- every preferred quick fix, each applied alone, over the protocol.
Files that do not parse stay byte-identical in every path.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional
from urllib.parse import unquote, urlparse

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from ssot_lsp.cli import main as cli_main

from ..e2e.conftest import accept_registrations, initialize_params
from ..e2e.helpers import apply_text_edits, vscode_capabilities

try:
    import tomllib
except ImportError:  # Python < 3.11
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
PROJECTS_DIR = HERE / "projects"
STUBS = HERE / "stubs"  # installed third-party packages (six, mock, django), outside every project
SHARED = HERE / "shared"  # workspace modules several projects use (`shared = [...]` in expect.toml)
PROJECTS = sorted(p.name for p in PROJECTS_DIR.iterdir() if (p / "expect.toml").is_file())
FIX_ALL = "source.fixAll.ssot"
EXPECT_KINDS = ("fix", "leave", "unsafe")


# -- projects and their expectations ------------------------------------------------------------
@dataclass(frozen=True)
class Expected:
    file: str
    line: int
    code: str
    expect: str  # fix | leave | unsafe
    why: str = ""


@dataclass
class Project:
    name: str
    source: Path
    description: str
    violations: list[Expected]
    shared: list[str] = field(default_factory=list)
    unparsable: list[str] = field(default_factory=list)
    keep: list[tuple[str, int]] = field(default_factory=list)

    def of(self, *kinds: str) -> list[Expected]:
        return [v for v in self.violations if v.expect in kinds]


@lru_cache(maxsize=None)
def project(name: str) -> Project:
    source = PROJECTS_DIR / name
    data = tomllib.loads((source / "expect.toml").read_text(encoding="utf-8"))
    violations = [Expected(v["file"], v["line"], v["code"], v["expect"], v.get("why", ""))
                  for v in data.get("violations", [])]
    return Project(name, source, data.get("description", ""), violations, list(data.get("shared", [])),
                   list(data.get("unparsable", [])), [(k["file"], k["line"]) for k in data.get("keep", [])])


def copy_project(name: str, folder: Path) -> Path:
    """The project as it runs: its shared modules, then its own files, in `folder/name`."""
    target = folder / name
    ignore = shutil.ignore_patterns("__pycache__")
    for lib in project(name).shared:
        shutil.copytree(SHARED / lib, target, ignore=ignore, dirs_exist_ok=True)
    shutil.copytree(PROJECTS_DIR / name, target, ignore=ignore, dirs_exist_ok=True)
    return target


def original(proj: Project, rel: str) -> Path:
    """Where a file of the project comes from: the project's folder, else a shared library."""
    for folder in [proj.source] + [SHARED / lib for lib in proj.shared]:
        if (folder / rel).is_file():
            return folder / rel
    return proj.source / rel


def python_files(root: Path) -> list[str]:
    """The project's Python files (relative, `/`-separated)."""
    return [path.relative_to(root).as_posix() for path in sorted(root.rglob("*.py"))
            if "__pycache__" not in path.parts]


def governed_files(root: Path) -> list[str]:
    return [rel for rel in python_files(root) if rel != "main.py"]


def line_text(root: Path, rel: str, line: int) -> str:
    lines = (root / rel).read_bytes().decode("utf-8").splitlines()
    return lines[line - 1].strip() if 0 < line <= len(lines) else ""


# -- running things -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str

    def describe(self) -> str:
        tail = self.stderr.strip().splitlines()[-3:]
        return f"exit {self.returncode}, stdout {self.stdout!r}" + (f", stderr: {' | '.join(tail)}" if tail else "")


_RUNS: dict[tuple, Run] = {}


def run_main(root: Path, proj: Project) -> Run:
    """`python main.py` in `root` with a clean environment and the stubs on PYTHONPATH.

    Runs without site-packages (`-S`): the projects need only the standard library, their own
    modules and their stubs. Two copies with the same Python files give the same run, so a run
    is remembered by the files' contents (a quick fix and its SARIF twin are run once).
    """
    key = (proj.name,) + tuple((rel, (root / rel).read_bytes()) for rel in python_files(root))
    if key not in _RUNS:
        _RUNS[key] = _run_main(root, proj)
    return _RUNS[key]


def _run_main(root: Path, proj: Project) -> Run:
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0",
           "PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(STUBS)}
    if "SYSTEMROOT" in os.environ:
        env["SYSTEMROOT"] = os.environ["SYSTEMROOT"]
    done = subprocess.run([sys.executable, "-S", "-B", "main.py"], cwd=root, env=env, capture_output=True,
                          text=True, timeout=60)
    return Run(done.returncode, done.stdout, done.stderr)


def cli(root: Path, *args: str) -> Run:
    """`ssot-lsp ARGS` in `root`, in this process (a subprocess per call would dominate the run time).

    The stubs are on sys.path meanwhile, as an installed package is for a real run, and gone after.
    """
    out, err = io.StringIO(), io.StringIO()
    previous = Path.cwd()
    os.chdir(root)
    sys.path.insert(0, str(STUBS))
    loaded = set(sys.modules)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli_main(list(args))
            except SystemExit as exc:  # argparse: unknown option
                code = exc.code if isinstance(exc.code, int) else 2
    finally:
        sys.path.remove(str(STUBS))
        for module in set(sys.modules) - loaded:  # a stub the engine imported must not outlive the call
            if str(getattr(sys.modules[module], "__file__", None) or "").startswith(str(STUBS)):
                del sys.modules[module]
        os.chdir(previous)
    return Run(code, out.getvalue(), err.getvalue())


@dataclass(frozen=True)
class Found:
    """A reported violation, keyed by what a reader sees: file, code and the text of its line."""
    file: str
    line: int
    code: str
    fix: Optional[str]
    text: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.file, self.code, self.text)


def check_json(root: Path) -> list[Found]:
    run = cli(root, "check", "--format", "json", "--jobs", "1", "--exit-zero", ".")
    assert run.returncode == 0, f"check --format json failed: {run.describe()}"
    return [Found(item["file"], item["line"], item["code"], item.get("fix"), line_text(root, item["file"], item["line"]))
            for item in json.loads(run.stdout)]


def compile_problems(root: Path, proj: Project) -> list[str]:
    """What `python -m py_compile` would say about each file that parsed before."""
    problems = []
    for rel in python_files(root):
        if rel in proj.unparsable:
            continue
        try:
            compile((root / rel).read_bytes(), rel, "exec", dont_inherit=True)
        except SyntaxError as exc:
            problems.append(f"{rel}:{exc.lineno}: does not compile any more: {exc.msg}")
    return problems


def unparsable_problems(root: Path, proj: Project) -> list[str]:
    return [f"{rel}: a file that does not parse was changed" for rel in proj.unparsable
            if (root / rel).read_bytes() != original(proj, rel).read_bytes()]


def keep_problems(root: Path, proj: Project) -> list[str]:
    problems = []
    for rel, line in proj.keep:
        text = original(proj, rel).read_bytes().decode("utf-8").splitlines()[line - 1]
        if text not in (root / rel).read_bytes().decode("utf-8").splitlines():
            problems.append(f"{rel}:{line}: line must stay as it was: {text.strip()!r}")
    return problems


def behaviour_problems(root: Path, proj: Project, before: Run, what: str) -> list[str]:
    """Output identical, every file that compiled still compiles, unparsable files untouched."""
    problems = compile_problems(root, proj) + unparsable_problems(root, proj)
    after = run_main(root, proj)
    if (after.returncode, after.stdout) != (before.returncode, before.stdout):
        problems.append(f"main.py changed behaviour after {what}: before {before.describe()}; after {after.describe()}")
    return problems


def report(problems: list[str], root: Optional[Path] = None, files: tuple[str, ...] = ()) -> None:
    if problems:
        shown = [f"  - {p}" for p in problems]
        for rel in files:
            shown.append(f"--- {rel} after the fix:\n{(root / rel).read_bytes().decode('utf-8', 'replace')}")
        pytest.fail("\n".join(shown), pytrace=False)


def changed_files(root: Path, proj: Project) -> tuple[str, ...]:
    return tuple(rel for rel in python_files(root)
                 if not original(proj, rel).is_file() or (root / rel).read_bytes() != original(proj, rel).read_bytes())


# -- per-project state shared by the tests (computed once per session) --------------------------
class Bench:
    def __init__(self, folder: Path):
        self.folder = folder
        self.count = 0
        self.cache: dict = {}

    def fresh(self, name: str) -> Path:
        self.count += 1
        return copy_project(name, self.folder / f"c{self.count}")

    def once(self, key, compute):
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]

    def baseline(self, name: str) -> tuple[Path, Run, list[Found]]:
        def compute():
            root = self.fresh(name)
            before = run_main(root, project(name))
            assert before.returncode == 0 and before.stdout, f"the project itself does not run: {before.describe()}"
            return root, before, check_json(root)
        return self.once(("baseline", name), compute)

    def fixed(self, name: str) -> tuple[Path, Run]:
        def compute():
            root = self.fresh(name)
            return root, cli(root, "fix", "--jobs", "1", ".")
        return self.once(("fix", name), compute)


@pytest.fixture(scope="session")
def bench(tmp_path_factory) -> Bench:
    return Bench(tmp_path_factory.mktemp("behaviour"))


def expected_key(root: Path, item: Expected) -> tuple[str, str, str]:
    return (item.file, item.code, line_text(root, item.file, item.line))


def unchanged_problems(root: Path, proj: Project, path: str) -> list[str]:
    """Each must-fix line was rewritten (so a violation that was never reported cannot pass as fixed)."""
    problems = []
    by_text: dict[tuple[str, str], set[int]] = {}
    for item in proj.of("fix"):
        text = original(proj, item.file).read_bytes().decode("utf-8").splitlines()[item.line - 1]
        by_text.setdefault((item.file, text), set()).add(item.line)
    for (rel, text), lines in sorted(by_text.items()):
        before = original(proj, rel).read_bytes().decode("utf-8").splitlines().count(text)
        after = (root / rel).read_bytes().decode("utf-8").splitlines().count(text)
        if after > before - len(lines):
            problems.append(f"{rel}:{min(lines)}: must-fix line left unchanged by {path}: {text.strip()!r}")
    return problems


def remaining_problems(root: Path, baseline_root: Path, proj: Project, path: str) -> list[str]:
    """After a fix path: exactly the leave/unsafe violations remain, by file, code and line text."""
    problems = unchanged_problems(root, proj, path)
    wanted = Counter(expected_key(baseline_root, e) for e in proj.of("leave", "unsafe"))
    found = Counter(f.key for f in check_json(root))
    problems += [f"{f}: {c}: {t!r} still reported after {path} (a must-fix violation, or one the fix introduced)"
                for (f, c, t), n in (found - wanted).items() for _ in range(n)]
    problems += [f"{f}: {c}: {t!r} is gone after {path} but must be left alone (still there, still reported)"
                 for (f, c, t), n in (wanted - found).items() for _ in range(n)]
    return problems


# -- the registry and the expectations agree with what is reported ------------------------------
@pytest.mark.parametrize("name", PROJECTS)
def test_expectations_are_well_formed(name: str):
    proj = project(name)
    assert proj.description
    assert proj.of("fix"), "each project needs a violation a correct fixer must fix (refusing all cannot pass)"
    assert all(v.expect in EXPECT_KINDS for v in proj.violations)
    assert (proj.source / "main.py").is_file()
    for item in proj.violations:
        assert line_text(original(proj, item.file).parent, Path(item.file).name, item.line), (
            f"{item.file}:{item.line} is not a line of code")
    for lib in proj.shared:
        assert (SHARED / lib).is_dir(), f"no shared library {lib!r}"


@pytest.mark.parametrize("name", PROJECTS)
def test_check_reports_exactly_the_expected_violations(bench: Bench, name: str):
    proj = project(name)
    root, _, found = bench.baseline(name)
    reported = Counter((f.file, f.line, f.code) for f in found)
    expected = Counter((e.file, e.line, e.code) for e in proj.violations)
    problems = [f"{f}:{line}: {code} reported but not expected (wrong flag): {line_text(root, f, line)!r}"
                for (f, line, code), n in (reported - expected).items() for _ in range(n)]
    problems += [f"{f}:{line}: {code} expected but not reported: {line_text(root, f, line)!r}"
                 for (f, line, code), n in (expected - reported).items() for _ in range(n)]
    report(problems)


@pytest.mark.parametrize("name", PROJECTS)
def test_check_json_fix_kinds(bench: Bench, name: str):
    """`fix` in JSON is "auto" exactly for the must-fix violations, "unsafe" for the unsafe ones."""
    proj = project(name)
    _, _, found = bench.baseline(name)
    kinds = {(f.file, f.line, f.code): f.fix for f in found}
    problems = []
    for item in proj.violations:
        kind = kinds.get((item.file, item.line, item.code), "<not reported>")
        wanted_ok = {"fix": kind == "auto", "unsafe": kind == "unsafe", "leave": kind not in ("auto", "unsafe")}
        if not wanted_ok[item.expect]:
            problems.append(f"{item.file}:{item.line}: {item.code} is {kind!r} but must be "
                            f"{ {'fix': 'auto', 'unsafe': 'unsafe', 'leave': 'manual or null'}[item.expect]} "
                            f"{item.why}".rstrip())
    report(problems)


# -- path (a): ssot-lsp fix ------------------------------------------------------------------------
@pytest.mark.parametrize("name", PROJECTS)
def test_fix_command_preserves_behaviour(bench: Bench, name: str):
    proj = project(name)
    base, before, _ = bench.baseline(name)
    root, run = bench.fixed(name)
    problems = []
    if run.returncode == 2:
        problems.append(f"`ssot-lsp fix` failed: {run.describe()}")
    problems += behaviour_problems(root, proj, before, "`ssot-lsp fix`")
    problems += remaining_problems(root, base, proj, "`ssot-lsp fix`")
    problems += keep_problems(root, proj)
    report(problems, root, changed_files(root, proj))


@pytest.mark.parametrize("name", PROJECTS)
def test_auto_is_a_promise(bench: Bench, name: str):
    """Every violation `check` marks "auto" is fixed by `ssot-lsp fix`, with no "not fixed" line."""
    base, _, found = bench.baseline(name)
    root, run = bench.fixed(name)
    after = Counter(f.key for f in check_json(root))
    problems = [f"{f.file}:{f.line}: {f.code} is marked auto but `fix` left it: {f.text!r}"
                for f in found if f.fix == "auto" and after[f.key]]
    problems += [f"`fix` said: {line}" for line in run.stdout.splitlines() + run.stderr.splitlines()
                 if " not fixed: " in line]
    report(problems)


@pytest.mark.parametrize("name", PROJECTS)
def test_fix_twice_changes_nothing(bench: Bench, name: str):
    """Fixing is idempotent (SPEC §4): a second `fix` over the fixed copy writes nothing."""
    root, _ = bench.fixed(name)
    before = {rel: (root / rel).read_bytes() for rel in python_files(root)}
    run = cli(root, "fix", "--diff", "--jobs", "1", ".")
    report([f"a second `fix` would change {rel}" for rel in python_files(root)
            if f"+++ b/{rel}" in run.stdout] + [f"`fix --diff` wrote {rel}" for rel in python_files(root)
                                                 if (root / rel).read_bytes() != before[rel]])


@pytest.mark.parametrize("name", [n for n in PROJECTS if project(n).unparsable])
def test_fix_reports_files_that_do_not_parse(bench: Bench, name: str):
    """`fix` says it skipped a file that does not parse, with the line of the syntax error (SPEC §12)."""
    proj = project(name)
    _, run = bench.fixed(name)
    said = run.stdout + run.stderr
    problems = []
    for rel in proj.unparsable:
        try:
            compile(original(proj, rel).read_bytes(), rel, "exec", dont_inherit=True)
            problems.append(f"{rel} parses: the expectation is wrong")
        except SyntaxError:
            pass
        if not any(rel in line and "skip" in line.lower() for line in said.splitlines()):
            problems.append(f"`fix` does not report {rel} as skipped; it said: {said.strip()!r}")
    report(problems)


@pytest.mark.parametrize("name", [n for n in PROJECTS if project(n).of("unsafe")])
def test_unsafe_fixes_apply_only_on_request(bench: Bench, name: str):
    """`fix` leaves unsafe fixes alone (checked above); `fix --unsafe-fixes` applies them."""
    proj = project(name)
    base, _, _ = bench.baseline(name)
    root = bench.fresh(name)
    run = cli(root, "fix", "--unsafe-fixes", "--jobs", "1", ".")
    assert run.returncode != 2, f"`ssot-lsp fix --unsafe-fixes` failed: {run.describe()}"
    left = Counter(f.key for f in check_json(root))
    report([f"{e.file}:{e.line}: {e.code} unsafe fix not applied by --unsafe-fixes"
            for e in proj.of("unsafe") if left[expected_key(base, e)]] + compile_problems(root, proj))


# -- path (b): SARIF fixes, each applied alone ------------------------------------------------------
def sarif_offset(text: str, line: int, column: Optional[int], kind: str) -> int:
    lines = text.splitlines(keepends=True)
    start = sum(len(item) for item in lines[:line - 1])
    if line - 1 >= len(lines):
        return len(text)
    content = lines[line - 1].rstrip("\r\n")
    if column is None:
        return start + len(content)
    if kind == "utf16CodeUnits":
        units = 0
        for index, char in enumerate(content):
            if units >= column - 1:
                return start + index
            units += len(char.encode("utf-16-le")) // 2
        return start + len(content)
    return start + min(column - 1, len(content))


def apply_sarif_fix(root: Path, fix: dict, kind: str) -> list[str]:
    touched = []
    for change in fix.get("artifactChanges", []):
        rel = unquote(change["artifactLocation"]["uri"])
        path = root / rel
        raw = path.read_bytes()
        text = raw.decode("utf-8")
        located = []
        for replacement in change.get("replacements", []):
            region = replacement["deletedRegion"]
            if "charOffset" in region:
                start = region["charOffset"]
                end = start + region.get("charLength", 0)
            else:
                start_line = region["startLine"]
                start = sarif_offset(text, start_line, region.get("startColumn", 1), kind)
                end = sarif_offset(text, region.get("endLine", start_line), region.get("endColumn"), kind)
            located.append((start, end, replacement.get("insertedContent", {}).get("text", "")))
        for start, end, new in sorted(located, reverse=True):
            text = text[:start] + new + text[end:]
        path.write_bytes(text.encode("utf-8"))
        touched.append(rel)
    return touched


@pytest.mark.parametrize("name", PROJECTS)
def test_sarif_fixes_each_preserve_behaviour(bench: Bench, name: str):
    proj = project(name)
    base, before, _ = bench.baseline(name)
    run = cli(base, "check", "--format", "sarif", "--jobs", "1", "--exit-zero", ".")
    assert run.returncode == 0, f"check --format sarif failed: {run.describe()}"
    sarif = json.loads(run.stdout)["runs"][0]
    kind = sarif.get("columnKind", "utf16CodeUnits")
    problems = []
    with_fix = Counter()
    for result in sarif.get("results", []):
        location = result["locations"][0]["physicalLocation"]
        where = (unquote(location["artifactLocation"]["uri"]), location["region"]["startLine"], result["ruleId"])
        if not result.get("fixes"):
            if result.get("properties", {}).get("fix") == "auto":
                problems.append(f"{where[0]}:{where[1]}: {where[2]} is auto in SARIF but carries no fix")
            continue
        with_fix[where] += 1
        root = bench.fresh(name)
        touched = apply_sarif_fix(root, result["fixes"][0], kind)
        found = behaviour_problems(root, proj, before, f"the SARIF fix of {where[0]}:{where[1]} {where[2]}")
        if found:
            problems += found + [f"    (files changed: {', '.join(touched)}; first: "
                                 f"{(root / touched[0]).read_text(encoding='utf-8')!r})" if touched else ""]
    expected = Counter((e.file, e.line, e.code) for e in proj.of("fix"))
    problems += [f"{f}:{line}: {code} carries a SARIF fix but must be left alone"
                 for (f, line, code), n in (with_fix - expected).items() for _ in range(n)]
    problems += [f"{f}:{line}: {code} must be fixable but SARIF carries no fix"
                 for (f, line, code), n in (expected - with_fix).items() for _ in range(n)]
    report([p for p in problems if p])


# -- paths (c) and (d): the editor, over the protocol -------------------------------------------------
SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "ssot_lsp"],
                            server_env={**os.environ, "PYTHONPATH": os.pathsep.join(
                                filter(None, [str(STUBS), os.environ.get("PYTHONPATH", "")]))})


@pytest.fixture(scope="module")
def editor_workspace(tmp_path_factory) -> Path:
    """One workspace holding a copy of every project (each governed by its own registry)."""
    root = tmp_path_factory.mktemp("editor")
    for name in PROJECTS:
        copy_project(name, root)
    return root


@pytest_lsp.fixture(config=SERVER, scope="module")
async def client(lsp_client: LanguageClient, editor_workspace: Path):
    accept_registrations(lsp_client)
    lsp_client.set_configuration({"debounceMs": 0}, section="ssot")
    await lsp_client.initialize_session(initialize_params(editor_workspace, vscode_capabilities()))
    yield
    await lsp_client.shutdown_session()


async def open_project(client: LanguageClient, root: Path) -> dict[str, tuple[str, str, list[types.Diagnostic]]]:
    """Open every governed file; its text and pulled diagnostics, by relative path."""
    opened = {}
    for rel in governed_files(root):
        path = root / rel
        text = path.read_bytes().decode("utf-8")
        uri = path.as_uri()
        client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
            uri=uri, language_id="python", version=1, text=text)))
        pulled = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri)))
        opened[rel] = (uri, text, list(pulled.items))
    return opened


def close_project(client: LanguageClient, opened) -> None:
    for uri, _, _ in opened.values():
        client.text_document_did_close(types.DidCloseTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=uri)))


async def code_actions(client: LanguageClient, uri: str, diagnostics: list, rng: types.Range, only: list):
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=rng,
        context=types.CodeActionContext(diagnostics=diagnostics, only=only))) or []
    resolved = []
    for action in actions:
        if isinstance(action, types.CodeAction) and action.edit is None and action.data is not None:
            action = await client.code_action_resolve_async(action)
        resolved.append(action)
    return resolved


def workspace_edits(edit: Optional[types.WorkspaceEdit]) -> dict[str, list]:
    by_uri: dict[str, list] = {}
    if edit is None:
        return by_uri
    for change in edit.document_changes or []:
        if isinstance(change, types.TextDocumentEdit):
            by_uri.setdefault(change.text_document.uri, []).extend(change.edits)
    for uri, edits in (edit.changes or {}).items():
        by_uri.setdefault(uri, []).extend(edits)
    return by_uri


def apply_workspace_edit(target: Path, editor_root: Path, edit: Optional[types.WorkspaceEdit]) -> list[str]:
    """Apply an edit computed on the editor's copy of a project to another copy of it."""
    touched = []
    for uri, edits in workspace_edits(edit).items():
        rel = Path(unquote(urlparse(uri).path)).resolve().relative_to(editor_root.resolve()).as_posix()
        path = target / rel
        text = path.read_bytes().decode("utf-8")
        path.write_bytes(apply_text_edits(text, edits).encode("utf-8"))
        touched.append(rel)
    return touched


def whole(text: str) -> types.Range:
    lines = text.split("\n")
    return types.Range(start=types.Position(line=0, character=0),
                       end=types.Position(line=len(lines) - 1, character=len(lines[-1])))


@pytest.mark.e2e
@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("name", PROJECTS)
async def test_editor_fix_all_preserves_behaviour(client: LanguageClient, editor_workspace: Path, bench: Bench,
                                                  name: str):
    proj = project(name)
    base, before, _ = bench.baseline(name)
    editor_root = editor_workspace / name
    opened = await open_project(client, editor_root)
    target = bench.fresh(name)
    try:
        for uri, text, diagnostics in opened.values():
            if not diagnostics:
                continue
            for action in await code_actions(client, uri, diagnostics, whole(text), [FIX_ALL]):
                apply_workspace_edit(target, editor_root, action.edit)
    finally:
        close_project(client, opened)
    problems = behaviour_problems(target, proj, before, "the editor's fixAll")
    problems += remaining_problems(target, base, proj, "the editor's fixAll")
    problems += keep_problems(target, proj)
    report(problems, target, changed_files(target, proj))


@pytest.mark.e2e
@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("name", PROJECTS)
async def test_editor_preferred_quick_fixes_preserve_behaviour(client: LanguageClient, editor_workspace: Path,
                                                               bench: Bench, name: str):
    proj = project(name)
    _, before, _ = bench.baseline(name)
    editor_root = editor_workspace / name
    opened = await open_project(client, editor_root)
    preferred, problems = Counter(), []
    try:
        for rel, (uri, _, diagnostics) in opened.items():
            for diagnostic in diagnostics:
                where = (rel, diagnostic.range.start.line + 1, str(diagnostic.code))
                actions = await code_actions(client, uri, [diagnostic], diagnostic.range,
                                             [types.CodeActionKind.QuickFix])
                data = diagnostic.data if isinstance(diagnostic.data, dict) else {}
                if data.get("fix") == "auto" and not any(
                        isinstance(a, types.CodeAction) and a.is_preferred for a in actions):
                    problems.append(f"{where[0]}:{where[1]}: {where[2]} is auto in the editor but has no "
                                    f"preferred quick fix (offered: {[a.title for a in actions]})")
                for action in actions:
                    if not (isinstance(action, types.CodeAction) and action.is_preferred):
                        continue
                    preferred[where] += 1
                    target = bench.fresh(name)
                    touched = apply_workspace_edit(target, editor_root, action.edit)
                    found = behaviour_problems(target, proj, before,
                                               f"the preferred quick fix {action.title!r} at {where[0]}:{where[1]}")
                    problems += found
                    if found and touched:
                        problems.append(f"    ({touched[0]} became {(target / touched[0]).read_text('utf-8')!r})")
    finally:
        close_project(client, opened)
    expected = Counter((e.file, e.line, e.code) for e in proj.of("fix"))
    problems += [f"{f}:{line}: {code} has a preferred quick fix but must not (leave or unsafe)"
                 for (f, line, code), n in (preferred - expected).items() for _ in range(n)]
    problems += [f"{f}:{line}: {code} must have a preferred quick fix but has none"
                 for (f, line, code), n in (expected - preferred).items() for _ in range(n)]
    report(problems)
