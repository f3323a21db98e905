#!/usr/bin/env python3
"""Where the language server's start goes: start → first diagnostics, itemised stage by stage.

    python benchmarks/startup.py [--starts 10] [--wheel | --python PY] [--baseline REF] [--json]

The scene is benchmarks/editor.py's: the 3,037-file workspace, the 3,000-line `big.py`
(20 violations) opened right after `initialized`, the time from spawning the server to
its first `publishDiagnostics`. Each round makes two starts, interleaved:

- a plain one, `python -m ssot_lsp` (the figure editor.py reports; the target is on it);
- a traced one, the same entry run through `start_trace.py` with `-X importtime`, whose
  time stamps split the start into stages and whose import log says which packages the
  imports before the first diagnostics went to (self time per module, summed by group).

One untimed start first lets the server write its code cache, as any earlier editor
session would have. `--wheel` builds the repository's wheel and installs it into a fresh
virtual environment under benchmarks/.work/startup/, byte-compiled (what `pip install
ssot-lsp` gives); otherwise `--python` (default: this interpreter) is used with the
package byte-compiled in place. `--baseline REF` installs commit REF's wheel the same way
and times its plain starts interleaved with these (before and after under the same load).
Prints medians in milliseconds; the machine's load
average at the start and the end is part of the result (the machine may be shared).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import corpus  # noqa: E402
import editor  # noqa: E402

WORK = HERE / ".work" / "startup"
TRACE_CODE = (HERE / "start_trace.py").read_text()
TARGET_S = 0.5

# Stages: (label, stamp it starts at, stamp it ends at). "spawn" is the client's clock at
# Popen, "client" its clock when the diagnostics arrived (both converted to wall clock).
STAGES = (
    ("interpreter start and site", "spawn", "boot"),
    ("`python -m ssot_lsp` until `startup.prepare` (runpy, the package)", "entry", "prepare:start"),
    ("startup.prepare: attrs and cattrs imported, code cache read", "prepare:start", "prepare:end"),
    ("imports: cli module, pygls, lsprotocol, cattrs, the engine, lsp/ modules", "prepare:end",
     "create_server:start"),
    ("creating the server (handlers, converter)", "create_server:start", "create_server:end"),
    ("event loop and reader start, `initialize` read", "create_server:end", "received:initialize"),
    ("`initialize` handled and answered", "received:initialize", "sent:response"),
    ("client's turn: `initialized` and `didOpen` read", "sent:response", "received:textDocument/didOpen"),
    ("didOpen handled until the check starts (overlay)", "received:textDocument/didOpen", "check_text:start"),
    ("config lookup: load ssot.toml, build the registry", "config_lookup:start", "config_lookup:end"),
    ("analysis of the 3,000 lines (parse, bindings, matching)", "analyze:start", "analyze:end"),
    ("check result to diagnostics sent (convert, serialise)", "check_text:end", "sent:textDocument/publishDiagnostics"),
    ("diagnostics read by the client", "sent:textDocument/publishDiagnostics", "client"),
)
GROUPS = (("lsprotocol", ("lsprotocol",)), ("pygls", ("pygls",)),
          ("attrs, cattrs", ("attr", "attrs", "cattrs", "typing_extensions", "exceptiongroup")),
          ("ssot_lsp.lsp (server)", ("ssot_lsp.lsp",)), ("ssot_lsp (engine, CLI)", ("ssot_lsp",)),
          ("jedi, parso", ("jedi", "parso")), ("pathspec", ("pathspec",)))


def group_of(module: str) -> str:
    for label, prefixes in GROUPS:
        if any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes):
            return label
    return "standard library"


def wheel_python(ref: Optional[str] = None) -> str:
    """A fresh venv under benchmarks/.work/startup with the wheel of the working tree (or of commit `ref`)
    installed and byte-compiled."""
    name = "venv" if ref is None else "venv-" + ref.replace("/", "_")
    venv, wheels, source = WORK / name, WORK / f"wheel-{name}", HERE.parent
    for folder in (venv, wheels):
        shutil.rmtree(folder, ignore_errors=True)
    if ref is not None:  # that commit's tree, exported with git
        source = WORK / f"source-{name}"
        shutil.rmtree(source, ignore_errors=True)
        source.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", str(HERE.parent), "archive", ref], check=True, capture_output=True)
        subprocess.run(["tar", "-x", "-C", str(source)], input=archive.stdout, check=True)
    WORK.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(source), "-w", str(wheels)],
                   check=True, cwd=WORK)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    subprocess.run([python, "-m", "pip", "install", "-q", *map(str, wheels.glob("*.whl"))], check=True, cwd=WORK)
    subprocess.run([python, "-m", "compileall", "-q", str(venv / "lib")], check=True, stdout=subprocess.DEVNULL)
    return python


def import_self_times(log: str, loaded: set[str]) -> dict[str, float]:
    """Self time (ms) of each module in an `-X importtime` log that was loaded by the first diagnostics."""
    times: dict[str, float] = {}
    for line in log.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        head, _, name = line[len("import time:"):].split("|")
        try:
            self_us = int(head)
        except ValueError:  # the header line
            continue
        module = name.strip()
        if module in loaded:
            times[module] = times.get(module, 0.0) + self_us / 1000
    return times


def traced_start(python: str, uri: str, text: str) -> tuple[dict[str, float], dict[str, float]]:
    """One start through start_trace.py: its stage stamps (wall clock) and the import self times."""
    with tempfile.TemporaryDirectory() as folder:
        trace, errors = Path(folder) / "trace", Path(folder) / "stderr"
        offset = time.time() - time.perf_counter()
        with open(errors, "wb") as stderr:
            client, elapsed, _ = editor.start_server(python, uri, text,
                                               command=[python, "-X", "importtime", "-c", TRACE_CODE],
                                               env={**os.environ, "SSOT_START_TRACE": str(trace)}, stderr=stderr)
            spawn = client.started + offset
            received = spawn + elapsed
            editor.stop_server(client)
        stamps: dict[str, float] = {"spawn": spawn, "client": received}
        loaded: set[str] = set()
        for line in trace.read_text().splitlines():
            name, _, value = line.partition(" ")
            if name == "modules":
                loaded = set(value.split())
            else:
                stamps.setdefault(name, float(value))
        return stamps, import_self_times(errors.read_text(errors="replace"), loaded)


def measure(python: str, starts: int, baseline: Optional[str] = None) -> dict:
    workspace = editor.WORKSPACE
    if not (workspace / "big.py").exists():
        corpus.generate_editor_workspace(workspace)
    uri, text = (workspace / "big.py").as_uri(), (workspace / "big.py").read_text()
    editor.byte_compile(python)
    result: dict = {"python": python, "load_average_start": editor.load_average()}
    pythons = [python] if baseline is None else [python, baseline]
    for each in pythons:
        client, _, _ = editor.start_server(each, uri, text)  # untimed: writes the code cache
        time.sleep(3)
        editor.stop_server(client)
    plain: dict[str, list[float]] = {each: [] for each in pythons}
    cpu: dict[str, list[float]] = {each: [] for each in pythons}
    stages: dict[str, list[float]] = {label: [] for label, _, _ in STAGES}
    groups: dict[str, list[float]] = {}
    modules: dict[str, list[float]] = {}
    for _ in range(starts):
        for each in pythons:  # interleaved: the machine's load changes alike for both
            client, elapsed, _ = editor.start_server(each, uri, text)
            cpu[each].append(editor.cpu_seconds(client.process.pid))
            plain[each].append(elapsed)
            editor.stop_server(client)
        stamps, imports = traced_start(python, uri, text)
        for label, begin, end in STAGES:
            if begin in stamps and end in stamps:
                stages[label].append((stamps[end] - stamps[begin]) * 1000)
        stages.setdefault("total (traced start)", []).append((stamps["client"] - stamps["spawn"]) * 1000)
        per_group: dict[str, float] = {}
        for module, ms in imports.items():
            per_group[group_of(module)] = per_group.get(group_of(module), 0.0) + ms
            modules.setdefault(module, []).append(ms)
        for label, ms in per_group.items():
            groups.setdefault(label, []).append(ms)
    median = statistics.median(plain[python])
    result.update({
        "start_to_first_diagnostics_s": {"median": round(median, 3), "runs": [round(t, 3) for t in plain[python]]},
        "server_cpu_to_first_diagnostics_s": {"median": round(statistics.median(cpu[python]), 3),
                                               "runs": [round(t, 3) for t in cpu[python]]},
        "target_s": TARGET_S, "met": median <= TARGET_S,
        "stages_ms": {label: round(statistics.median(values), 1) for label, values in stages.items() if values},
        "import_self_ms_by_group": {label: round(statistics.median(values), 1)
                                    for label, values in sorted(groups.items(), key=lambda item: -sum(item[1]))},
        "heaviest_imports_ms": {module: round(statistics.median(values), 1) for module, values in sorted(
            modules.items(), key=lambda item: -statistics.median(item[1]))[:15]},
        "load_average_end": editor.load_average(),
    })
    if baseline is not None:
        result["baseline"] = {"python": baseline,
                              "start_to_first_diagnostics_s": round(statistics.median(plain[baseline]), 3),
                              "server_cpu_to_first_diagnostics_s": round(statistics.median(cpu[baseline]), 3)}
    return result


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=10, help="rounds of one plain and one traced start")
    parser.add_argument("--python", default=sys.executable, help="interpreter with ssot-lsp installed")
    parser.add_argument("--wheel", action="store_true",
                        help="install the repository's wheel in a fresh venv under benchmarks/.work/startup first")
    parser.add_argument("--baseline", metavar="REF",
                        help="also time plain starts of commit REF's wheel (fresh venv), interleaved with these")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    python = wheel_python() if args.wheel else args.python
    result = measure(python, args.starts, wheel_python(args.baseline) if args.baseline else None)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    runs = result["start_to_first_diagnostics_s"]
    print(f"start → first diagnostics, median of {len(runs['runs'])}: {runs['median']:.3f} s "
          f"(target ≤ {TARGET_S} s: {'met' if result['met'] else 'missed'}); runs {runs['runs']}")
    if "baseline" in result:
        base = result["baseline"]
        print(f"{args.baseline}, interleaved: {base['start_to_first_diagnostics_s']:.3f} s, "
              f"CPU {base['server_cpu_to_first_diagnostics_s']:.3f} s")
    print(f"the server's CPU time (user + system) by then, median: "
          f"{result['server_cpu_to_first_diagnostics_s']['median']:.3f} s (less sensitive to the machine's load)")
    print(f"load average {result['load_average_start']} at the start, {result['load_average_end']} at the end")
    print("\nstages of a traced start (medians, ms):")
    for label, ms in result["stages_ms"].items():
        print(f"  {ms:7.1f}  {label}")
    print("\nimports before the first diagnostics, self time by group (medians, ms):")
    for label, ms in result["import_self_ms_by_group"].items():
        print(f"  {ms:7.1f}  {label}")
    print("\nheaviest modules (self time, medians, ms):")
    for module, ms in result["heaviest_imports_ms"].items():
        print(f"  {ms:7.1f}  {module}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
