#!/usr/bin/env python3
"""Reproduce the ssot-lsp benchmarks: one command, from a fresh clone.

    python3 benchmarks/run.py [--runs 5] [--full] [--skip-editor]

Creates benchmarks/.work/venv, installs the peers (ruff, Fixit, Semgrep) from PyPI and
ssot-lsp from this repository, builds the corpora (a generated all-relevant corpus, three
downloaded Django projects, Django 5.1 itself), times each tool's whole process side by
side (interleaved runs, medians, ratios to ruff from the same run), then runs the editor
latency benchmark (benchmarks/editor.py). Results go to benchmarks/.work/results.json and
are printed as a Markdown table.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / ".work"
VENV = WORK / "venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PEERS = ["ruff", "fixit", "semgrep", "pyinstrument"]
REAL_PROJECTS = [("wagtail", "2.3"), ("django-cms", "3.5.4"), ("djangorestframework", "3.9.4")]
CLEAN_PROJECT = ("Django", "5.1")

sys.path.insert(0, str(HERE))
import corpus  # noqa: E402


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# -- environment ---------------------------------------------------------------------
def setup_venv(python: str) -> None:
    """The peers from PyPI, and ssot-lsp installed from this checkout as a user installs it.

    A regular (not editable) install: byte-compiled, without the import hook an editable
    install adds to every start. Installed again whenever the package's source changed.
    """
    stamp = VENV / ".installed"
    wanted = " ".join(PEERS) + " ssot-lsp[lsp]"
    pip = [str(BIN / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    if not stamp.exists() or stamp.read_text().split("\n")[0] != wanted:
        log(f"creating {VENV} and installing {wanted}")
        if VENV.exists():
            shutil.rmtree(VENV)
        subprocess.run([python, "-m", "venv", str(VENV)], check=True)
        subprocess.run([*pip, "--upgrade", "pip"], check=True)
        subprocess.run([*pip, *PEERS], check=True)
        stamp.write_text(wanted)
    source = source_digest()
    if stamp.read_text().split("\n")[1:] != [source]:
        log("installing ssot-lsp from this checkout")
        subprocess.run([*pip, f"{REPO}[lsp]"], check=True)  # its dependencies
        subprocess.run([*pip, "--no-deps", "--force-reinstall", str(REPO)], check=True)
        stamp.write_text(f"{wanted}\n{source}")


def source_digest() -> str:
    """A digest of what the installed package is built from."""
    digest = hashlib.sha256()
    for path in sorted([REPO / "pyproject.toml", *(REPO / "ssot_lsp").rglob("*")]):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def tool_version(command: list[str]) -> str:
    try:
        # Semgrep's --version checks for a newer release unless told not to (and hangs offline).
        env = dict(os.environ, SEMGREP_ENABLE_VERSION_CHECK="0", SEMGREP_SEND_METRICS="off")
        out = subprocess.run(command, capture_output=True, text=True, timeout=60, env=env)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "unavailable"


def machine() -> dict:
    info = {"nproc": os.cpu_count(), "loadavg_at_start": os.getloadavg()[0] if hasattr(os, "getloadavg") else None, "python": platform.python_version(), "platform": platform.platform(),
            "date": time.strftime("%Y-%m-%d")}
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        info["cpu"] = next((row.split(":", 1)[1].strip() for row in lscpu.splitlines() if row.startswith("Model name")), "")
    except OSError:
        info["cpu"] = platform.processor()
    try:
        with open("/proc/meminfo") as handle:
            kib = int(handle.readline().split()[1])
        info["ram_gib"] = round(kib / 1024 / 1024, 1)
    except (OSError, ValueError, IndexError):
        pass
    return info


# -- corpora -------------------------------------------------------------------------
def download_sdist(name: str, version: str) -> Path:
    target = WORK / "sdists"
    target.mkdir(parents=True, exist_ok=True)
    existing = [p for p in target.iterdir() if p.name.lower().replace("_", "-").startswith(f"{name.lower()}-{version}.")]
    if not existing:
        log(f"downloading the {name} {version} sdist")
        subprocess.run([str(BIN / "python"), "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
                        "--disable-pip-version-check", "-d", str(target), f"{name}=={version}"], check=True)
        existing = [p for p in target.iterdir()
                    if p.name.lower().replace("_", "-").startswith(f"{name.lower()}-{version}.")]
    return existing[0]


def extract(archive: Path, destination: Path) -> Path:
    """Unpack an sdist; returns its top folder."""
    if destination.exists():
        shutil.rmtree(destination)
    destination.mkdir(parents=True)
    with tarfile.open(archive) as tar:
        kwargs = {"filter": "data"} if sys.version_info >= (3, 12) else {}
        tar.extractall(destination, **kwargs)
    return next(p for p in destination.iterdir() if p.is_dir())


PRESET_REGISTRY = 'presets = ["django-4"]\n'


def prepare_corpora(selected: list[str]) -> dict[str, Path]:
    roots: dict[str, Path] = {}
    if "a" in selected:
        roots["a: all-relevant (generated)"] = corpus.generate_all_relevant(WORK / "corpus-a")
    if "b" in selected:
        for name, version in REAL_PROJECTS:
            root = extract(download_sdist(name, version), WORK / f"corpus-b-{name}")
            (root / "ssot.toml").write_text(PRESET_REGISTRY)
            roots[f"b: {name} {version}"] = root
    if "c" in selected:
        root = extract(download_sdist(*CLEAN_PROJECT), WORK / "corpus-c-django")
        (root / "ssot.toml").write_text(PRESET_REGISTRY)
        roots[f"c: Django {CLEAN_PROJECT[1]} (clean)"] = root
    return roots


def banned_names(root: Path) -> dict[str, str]:
    """The registry's names, for the peers: {dotted name: message}."""
    out = subprocess.run([str(BIN / "ssot-lsp"), "rules", str(root), "--format", "json"],
                         capture_output=True, text=True, check=True)
    banned = {}
    for rule in json.loads(out.stdout):
        banned[rule["name"]] = f"{rule['id']}: deprecated" + (f", use {rule['replace']}" if rule.get("replace") else "")
    return banned


def corpus_folder(kind: str, key: str, root: Path) -> Path:
    """`benchmarks/.work/KIND/<corpus letter>/<corpus folder>`, created."""
    folder = WORK / kind / key.split(":")[0].replace(" ", "") / root.name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def write_peer_configs(key: str, root: Path) -> dict[str, Path]:
    folder = corpus_folder("peer-configs", key, root)
    banned = banned_names(root)
    ruff = ['[lint]', 'select = ["TID251"]', "", "[lint.flake8-tidy-imports.banned-api]"]
    ruff += [f'"{name}".msg = {json.dumps(message)}' for name, message in banned.items()]
    (folder / "ruff.toml").write_text("\n".join(ruff) + "\n")
    (folder / "banned.json").write_text(json.dumps(banned, indent=1))
    (folder / "semgrep.yml").write_text(semgrep_rules(banned))
    return {"ruff": folder / "ruff.toml", "banned": folder / "banned.json", "semgrep": folder / "semgrep.yml"}


def semgrep_rules(banned: dict[str, str]) -> str:
    """One Semgrep rule per banned name, reporting what ruff's TID251 reports.

    Its imports, and references resolved to it through a module object (`aws.name` after
    `import app.ws as aws`). A bare name bound by `from parent import last` resolves to
    the banned name too, but its import is already reported, so `pattern-not` leaves it
    out; without that, a module importing and calling the name counted twice (Semgrep
    2,210 vs ruff's 1,537 on corpus a). Uses of a `from parent import last as other` alias
    are still reported, unlike ruff; corpus a has none.
    """
    lines = ["rules:"]
    for index, (name, message) in enumerate(banned.items()):
        parent, _, last = name.rpartition(".")
        lines += [f"  - id: banned-{index}", "    languages: [python]", "    severity: ERROR",
                  f"    message: {json.dumps(message)}", "    pattern-either:",
                  f"      - pattern: {json.dumps(f'import {name}')}",
                  f"      - pattern: {json.dumps(f'from {name} import $X')}"]
        if parent:
            lines += [f"      - pattern: {json.dumps(f'from {parent} import {last}')}",
                      "      - patterns:",
                      f"          - pattern: {json.dumps(name)}",
                      f"          - pattern-not: {json.dumps(last)}"]
    return "\n".join(lines) + "\n"


# Fixit walks paths with trailrunner, which drops everything the enclosing project's
# .gitignore ignores; the project root is the nearest folder with a pyproject.toml, .git
# or .hg. Without a root of its own, benchmarks/.work/ (ignored by this repository's
# .gitignore) yielded no files at all: "0 files clean", no findings, exit status 0.
FIXIT_ROOT = """# Written by benchmarks/run.py: makes benchmarks/.work a project root of its own, so
# Fixit (trailrunner) does not apply the repository's .gitignore, which ignores this folder.
[tool.fixit]
root = true
"""


def mark_fixit_root() -> None:
    marker = WORK / "pyproject.toml"
    if not marker.exists() or marker.read_text() != FIXIT_ROOT:
        marker.write_text(FIXIT_ROOT)


STARTUP = "ssot-lsp start-up"  # `check` of a one-file project with the corpus's registry


def startup_folder(key: str, root: Path) -> Path:
    """A project of one clean file governed by a copy of the corpus's registry: what a run costs
    before any file of the corpus is read (interpreter, imports, registry, presets)."""
    folder = corpus_folder("startup", key, root)
    shutil.copyfile(root / "ssot.toml", folder / "ssot.toml")
    (folder / "clean.py").write_text("VALUE = 1\n")
    return folder


def floor(data: dict, nproc: int) -> float | None:
    """Seconds no run can go below: the start-up, then reading and word-scanning every file and
    parsing every file with a finding (stages.py), spread over every core."""
    startup = data["tools"].get(STARTUP, {}).get("median")
    cpu = (data.get("stages") or {}).get("floor")
    if not startup or not cpu:
        return None
    return startup + sum(cpu.values()) / max(1, nproc)


def require_findings(key: str, timed: dict[str, dict]) -> None:
    """Stop when a peer finds nothing where ssot-lsp finds something (a broken peer setup)."""
    expected = timed.get("ssot-lsp", {}).get("findings")
    if not expected:
        return
    broken = [tool for tool, data in timed.items() if tool not in ("ssot-lsp", STARTUP) and not data.get("findings")]
    if broken:
        details = "; ".join(f"{tool}: findings {timed[tool].get('findings')}, stderr: "
                            f"{timed[tool].get('stderr_tail') or '(empty)'}" for tool in broken)
        raise SystemExit(f"[bench] {key}: ssot-lsp reports {expected} findings but {', '.join(broken)} "
                         f"reported none, so their timings compare nothing. {details}")


# -- timing --------------------------------------------------------------------------
def timing_env() -> dict[str, str]:
    """The environment of timed runs: as on a user's machine, Python caches compiled modules."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def commands(root: Path, configs: dict[str, Path], jobs: int, fixit_paths: list[str]) -> dict[str, dict]:
    env = dict(timing_env(), SSOT_BENCH_BANNED=str(configs["banned"]), PYTHONPATH=str(HERE / "peers"))
    return {
        "ssot-lsp": {"cmd": [str(BIN / "ssot-lsp"), "check", "--format", "json", "."]},
        "ruff": {"cmd": [str(BIN / "ruff"), "check", "--no-cache", "--config", str(configs["ruff"]),
                         "--select", "TID251", "--output-format", "json", "."]},
        "semgrep": {"cmd": [str(BIN / "semgrep"), "scan", "--metrics=off", "--disable-version-check",
                            "--config", str(configs["semgrep"]), "--jobs", str(jobs), "--json", "--quiet",
                            "--no-git-ignore", "--timeout", "0", "."]},
        "fixit": {"cmd": [str(BIN / "fixit"), "--rules", "fixit_ssot", "lint", *fixit_paths], "env": env},
    }


def count_findings(tool: str, stdout: str) -> int | None:
    try:
        if tool in ("ssot-lsp", "ruff"):
            return len(json.loads(stdout))
        if tool == "semgrep":
            return len(json.loads(stdout)["results"])
        if tool == "fixit":
            return sum(1 for line in stdout.splitlines() if "BannedApi" in line)
    except (ValueError, KeyError, TypeError):
        return None
    return None


def time_tools(root: Path, tools: dict[str, dict], runs: dict[str, int]) -> dict[str, dict]:
    """Interleaved whole-process runs: one untimed warm-up each, then `runs[tool]` timed runs."""
    times: dict[str, list[float]] = {tool: [] for tool in tools}
    found: dict[str, int | None] = {}
    stderr_tail: dict[str, str] = {}
    for round_ in range(max(runs.values()) + 1):
        for tool, spec in tools.items():
            if round_ > runs[tool] or (round_ == 0 and runs[tool] == 1):
                continue  # tools run once get no warm-up round of their own
            start = time.perf_counter()
            result = subprocess.run(spec["cmd"], cwd=root, env=spec.get("env") or timing_env(),
                                    capture_output=True, text=True)
            elapsed = time.perf_counter() - start
            if result.returncode not in (0, 1):
                log(f"{tool} failed ({result.returncode}): {result.stderr.strip()[-400:]}")
            if round_ > 0 or runs[tool] == 1:
                times[tool].append(elapsed)
            found[tool] = count_findings(tool, result.stdout)
            if not found[tool] or "Failed to load rules" in result.stderr:
                stderr_tail[tool] = result.stderr.strip()[-400:]
    return {tool: {"runs": values, "median": statistics.median(values) if values else None,
                   "findings": found.get(tool), **({"stderr_tail": stderr_tail[tool]} if tool in stderr_tail else {})}
            for tool, values in times.items()}


def stage_times(root: Path) -> dict:
    """Files read, passed by the pre-filter and parsed, and seconds per stage (benchmarks/stages.py)."""
    out = subprocess.run([str(BIN / "python"), str(HERE / "stages.py"), str(root), "--json"],
                         capture_output=True, text=True, env=timing_env())
    try:
        return json.loads(out.stdout)
    except ValueError:
        return {"status": "failed", "stderr": out.stderr[-2000:]}


def python_files(root: Path) -> tuple[int, int]:
    files = lines = 0
    for path in root.rglob("*.py"):
        files += 1
        with open(path, "rb") as handle:
            lines += handle.read().count(b"\n")
    return files, lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per fast tool (default 5)")
    parser.add_argument("--corpora", default="abc", help="which corpora: any of a, b, c (default abc)")
    parser.add_argument("--full", action="store_true",
                        help="run Fixit and Semgrep on every corpus and Fixit on all of corpus a")
    parser.add_argument("--fixit-sample", type=int, default=100,
                        help="modules of corpus a Fixit checks (its time is scaled to the whole corpus)")
    parser.add_argument("--slow-runs", type=int, default=1, help="timed runs of Semgrep (default 1)")
    parser.add_argument("--skip-editor", action="store_true", help="skip the language server benchmark")
    parser.add_argument("--python", default=sys.executable, help="interpreter for the benchmark venv")
    args = parser.parse_args(argv)

    WORK.mkdir(parents=True, exist_ok=True)
    mark_fixit_root()
    setup_venv(args.python)
    jobs = os.cpu_count() or 1
    results = {"machine": machine(), "versions": {
        "ssot-lsp": tool_version([str(BIN / "ssot-lsp"), "--version"]),
        "ruff": tool_version([str(BIN / "ruff"), "--version"]),
        "fixit": tool_version([str(BIN / "fixit"), "--version"]),
        "semgrep": tool_version([str(BIN / "semgrep"), "--version"]),
        "python": tool_version([str(BIN / "python"), "--version"]),
    }, "corpora": {}}
    for key, root in prepare_corpora(list(args.corpora)).items():
        files, lines = python_files(root)
        log(f"{key}: {files} files, {lines} lines")
        configs = write_peer_configs(key, root)
        all_relevant = key.startswith("a")
        fixit_paths = ["."]
        fixit_scale = 1.0
        if all_relevant and not args.full:
            sample = sorted(str(p.relative_to(root)) for p in (root / "pkg").rglob("mod_*.py"))[: args.fixit_sample]
            fixit_paths = sample
            fixit_scale = files / max(1, len(sample))
        tools = commands(root, configs, jobs, fixit_paths)
        tools[STARTUP] = {"cmd": [str(BIN / "ssot-lsp"), "check", "--format", "json", str(startup_folder(key, root))]}
        runs = {"ssot-lsp": args.runs, STARTUP: args.runs, "ruff": args.runs, "semgrep": args.slow_runs, "fixit": 1}
        if not (all_relevant or args.full):
            tools = {k: v for k, v in tools.items() if k in ("ssot-lsp", STARTUP, "ruff")}
        timed = time_tools(root, tools, {k: runs[k] for k in tools})
        if all_relevant:
            require_findings(key, timed)
        if "fixit" in timed and timed["fixit"]["median"] is not None and fixit_scale != 1.0:
            timed["fixit"]["sampled_files"] = len(fixit_paths)
            timed["fixit"]["median"] *= fixit_scale
            timed["fixit"]["scaled_from_sample"] = True
        results["corpora"][key] = {"root": str(root), "files": files, "lines": lines, "tools": timed,
                                   "stages": stage_times(root),
                                   "loadavg": os.getloadavg()[0] if hasattr(os, "getloadavg") else None}
        log(f"{key}: " + ", ".join(f"{t} {v['median']:.2f}s" for t, v in timed.items() if v["median"]))
    if not args.skip_editor:
        editor = subprocess.run([str(BIN / "python"), str(HERE / "editor.py"), "--json"],
                                capture_output=True, text=True)
        try:
            results["editor"] = json.loads(editor.stdout)
        except ValueError:
            results["editor"] = {"status": "failed", "stderr": editor.stderr[-2000:]}
    if hasattr(os, "getloadavg"):
        results["machine"]["loadavg_at_end"] = os.getloadavg()[0]
    (WORK / "results.json").write_text(json.dumps(results, indent=2))
    print(render(results))
    return 0


def targets(key: str, tools: dict[str, dict], least: float | None = None) -> list[tuple[str, str, str, bool]]:
    """The issue's targets for one corpus: (target, measured, floor, met); `least`: the corpus's floor."""
    ours = tools.get("ssot-lsp", {}).get("median")
    if not ours:
        return []
    rows = []
    ruff = tools.get("ruff", {}).get("median")
    limit = {"a": 5.0, "b": 4.0, "c": 2.0}[key[0]]
    if ruff:
        at_least = f"{least / ruff:.1f}×" if least else "–"
        rows.append((f"ssot-lsp ≤ {limit:g}× ruff", f"{ours / ruff:.1f}×", at_least, ours / ruff <= limit))
    for peer, factor in (("semgrep", 15.0), ("fixit", 100.0)):
        theirs = tools.get(peer, {}).get("median")
        if theirs and key.startswith("a"):
            at_most = f"{theirs / least:.1f}×" if least else "–"
            rows.append((f"ssot-lsp ≥ {factor:g}× faster than {peer}", f"{theirs / ours:.1f}×", at_most,
                         theirs / ours >= factor))
    return rows


def render(results: dict) -> str:
    m = results["machine"]
    out = [f"Machine: {m.get('cpu')}, {m.get('nproc')} cores, {m.get('ram_gib')} GiB RAM; {m.get('platform')}; "
           f"{m.get('date')}; load average {m.get('loadavg_at_start')} at start, {m.get('loadavg_at_end')} at end", "", "Versions: " + ", ".join(f"{k} {v}" for k, v in results["versions"].items()), "",
           "| corpus | files | lines | tool | median s | × ruff | findings |", "|---|---:|---:|---|---:|---:|---:|"]
    for key, data in results["corpora"].items():
        ruff = data["tools"].get("ruff", {}).get("median")
        for tool, timed in data["tools"].items():
            median = timed["median"]
            ratio = f"{median / ruff:.1f}" if median and ruff else "–"
            note = " (scaled from %d files)" % timed["sampled_files"] if timed.get("scaled_from_sample") else ""
            findings = "–" if timed["findings"] is None or tool == STARTUP else timed["findings"]
            out.append(f"| {key} | {data['files']} | {data['lines']} | {tool}{note} | "
                       f"{median:.2f} | {ratio} | {findings} |" if median else f"| {key} | | | {tool} | – | – | – |")
    out += ["", "Floor: the start-up (`check` of a one-file project with the same registry) plus reading and "
            "word-scanning every file and parsing every file with a finding, spread over every core "
            "(stages.py); the ratio no run of this design can beat.", "",
            "| corpus | target | measured | at the floor | status |", "|---|---|---:|---:|---|"]
    for key, data in results["corpora"].items():
        for target, measured, at_floor, met in targets(key, data["tools"], floor(data, m.get("nproc") or 1)):
            out.append(f"| {key} | {target} | {measured} | {at_floor} | {'met' if met else 'missed'} |")
    out += ["", "Stages, one process (benchmarks/stages.py): files read → passed by the pre-filter → "
            "parsed (sparse + whole), seconds per stage", "",
            "| corpus | read | passed (lines %) | parsed | discovery | pre-filter build | read | pre-filter test "
            "| parse+analyse (parse) | render | floor: read+scan, parse | load |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for key, data in results["corpora"].items():
        st = data.get("stages") or {}
        sec = st.get("seconds")
        if not sec:
            out.append(f"| {key} | stages failed: {st.get('stderr', '')[-200:]!r} |")
            continue
        share = 100 * st["lines_passed"] / max(1, st["lines_read"])
        out.append(f"| {key} | {st['files_read']} | {st['files_passed']} ({share:.0f} %) | "
                   f"{st['sparse_parses']} + {st['whole_parses']} | {sec['discovery']:.2f} | "
                   f"{sec['pre-filter build']:.2f} | {sec['read']:.2f} | {sec['pre-filter test']:.2f} | "
                   f"{sec['parse and analyse']:.2f} ({sec['of which parse']:.2f}) | {sec['render']:.2f} | "
                   f"{st['floor']['read and scan']:.2f}, {st['floor']['parse violating files']:.2f} | "
                   f"{st.get('loadavg') or 0:.1f} |")
    editor = results.get("editor")
    if editor:
        out += ["", "Editor: " + json.dumps(editor)]
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
