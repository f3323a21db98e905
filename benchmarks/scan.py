#!/usr/bin/env python3
"""The editor's workspace scan against `ssot-lsp check` of the same tree.

    python benchmarks/scan.py [--json] [--runs 3] [--scope openFiles|workspace] [--pythonpath DIR]

On the 3,000-file editor workspace (`corpus.generate_editor_workspace`, the all-relevant
shape: every module mentions a rule's names), measures:
- `check`: `python -m ssot_lsp check` of the tree (all cores, JSON output to /dev/null);
- `scan`: a language server started on the tree, from `initialized` to its "workspace scan
  done" log line (the scan runs in its helper process, after the settings are read);
- the ratio scan / check (issue target: at most 2);
- CPU time per file in this process (`--sample` files, warm caches): `batch.check_file`, the
  scan's path now, against the full engine per file (`lsp.documents.check_text`), the
  scan's path before; CPU time is what a loaded machine disturbs least.
Medians over `--runs`; the load average before and after is printed with them, since the
machine is shared. `--pythonpath` runs another copy of the package (e.g. an older commit
unpacked with `git archive`) for a before/after comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
import corpus  # noqa: E402
import editor  # noqa: E402

WORKSPACE = editor.WORKSPACE


def environment(pythonpath: str) -> dict[str, str]:
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    return env


def time_check(python: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([python, "-m", "ssot_lsp", "check", "--output-format", "json", "--exit-zero", "."],
                   cwd=WORKSPACE, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def time_scan(python: str, env: dict[str, str], scope: str) -> float:
    settings = {**editor.SETTINGS, "diagnosticScope": scope, "scanOnStartup": True}
    editor.SETTINGS.clear()
    editor.SETTINGS.update(settings)  # what the client answers to workspace/configuration
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        client = editor.Client([python, "-m", "ssot_lsp"], WORKSPACE)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    try:
        client.request("initialize", {"processId": os.getpid(), "rootUri": WORKSPACE.as_uri(),
                                      "workspaceFolders": [{"uri": WORKSPACE.as_uri(), "name": "ws"}],
                                      "capabilities": editor.CAPABILITIES, "initializationOptions": settings},
                       timeout=60)
        start = time.perf_counter()
        client.notify("initialized", {})

        def scan_done(message: dict) -> bool:
            return "workspace scan done" in str(message.get("params", {}).get("message", ""))

        stamp, _ = client.wait_for(scan_done, timeout=900)
        return stamp - start
    finally:
        editor.stop_server(client)


def cpu_per_file(sample: int) -> dict[str, float]:
    """Milliseconds of CPU per file: the batch path and the full engine, each with a warm store."""
    from ssot_lsp.batch import check_file
    from ssot_lsp.configs import ConfigStore
    from ssot_lsp.lsp.documents import check_text
    from ssot_lsp.lsp.scan import discover_files
    from ssot_lsp.source import decode

    paths = [p for p in discover_files([str(WORKSPACE)]) if p.name != "big.py"][:sample]
    batch, full = ConfigStore(), ConfigStore()
    start = time.process_time()
    check_file(batch, paths[0])
    warm_up = time.process_time() - start  # the pre-filter: every workspace file read once
    check_text(full, paths[0], decode(paths[0].read_bytes()).text, None)
    times: dict[str, list[float]] = {"batch": [], "full_engine": []}
    for _ in range(3):
        start = time.process_time()
        for path in paths[1:]:
            check_file(batch, path)
        times["batch"].append(time.process_time() - start)
        start = time.process_time()
        for path in paths[1:]:
            check_text(full, path, decode(path.read_bytes()).text, None)
        times["full_engine"].append(time.process_time() - start)
    per_file = {name: round(1000 * min(values) / (len(paths) - 1), 2) for name, values in times.items()}
    return {**per_file, "batch_pre_filter_build_s": round(warm_up, 2), "files": len(paths) - 1}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scope", choices=("openFiles", "workspace"), default="openFiles")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--pythonpath", default="", help="import ssot_lsp from this folder instead")
    parser.add_argument("--sample", type=int, default=600, help="files for the CPU time per file")
    args = parser.parse_args()
    if not (WORKSPACE / "big.py").exists():
        corpus.generate_editor_workspace(WORKSPACE)
    env = environment(args.pythonpath)
    files = sum(1 for _ in WORKSPACE.rglob("*.py"))
    load_before = editor.load_average()
    checks, scans = [], []
    for _ in range(args.runs):
        checks.append(time_check(args.python, env))
        scans.append(time_scan(args.python, env, args.scope))
    result = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "package": args.pythonpath or "installed",
        "files": files,
        "scope": args.scope,
        "check_s": {"median": round(statistics.median(checks), 2), "runs": [round(t, 2) for t in checks]},
        "scan_s": {"median": round(statistics.median(scans), 2), "runs": [round(t, 2) for t in scans]},
        "scan_over_check": round(statistics.median(scans) / statistics.median(checks), 2),
        "load_average": [load_before, editor.load_average()],
    }
    if not args.pythonpath:
        result["cpu_per_file_ms"] = cpu_per_file(args.sample)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
