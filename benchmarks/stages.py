#!/usr/bin/env python3
"""Where a batch check spends its time, stage by stage, in one process.

    python benchmarks/stages.py PATH [--json]

Runs the stages of `ssot-lsp check --format json PATH` one after the other with the
library's own functions, each timed on its own: discovery (`runner.discover`), the
pre-filter's build (`prefilter.batch_filter`: the workspace's re-exports read, the
registry limited to its trigger names), reading every file (`source.read_source`), the
pre-filter's test (`Prefilter.may_violate`), parse and analysis (`engine.analyze` with
`findings_only`, then the full analysis of files whose findings have a fix, as
`check` does; the parse inside is timed apart by wrapping the engine's two parsers), and
rendering (`render_json`); then the floor (`floor`). Counts: files discovered and read, files the pre-filter
passed, files parsed sparsely or whole. One process and no pool, so the stage times
add up to CPU time; `run.py` runs it next to the timed whole-process runs.
"""

from __future__ import annotations

import argparse
import ast
import io
import json
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ssot_lsp import engine  # noqa: E402
from ssot_lsp.configs import ConfigStore  # noqa: E402
from ssot_lsp.engine import analyze  # noqa: E402
from ssot_lsp.render.formats import render_json  # noqa: E402
from ssot_lsp.runner import discover, display_path  # noqa: E402
from ssot_lsp.source import DecodeError, decode, read_source, words  # noqa: E402


class Timed:
    """Wraps a function of the engine: how often it ran, for how long, and how often it gave up."""

    def __init__(self, function: Callable[..., Any]):
        self.function = function
        self.calls = 0
        self.seconds = 0.0
        self.nones = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            result = self.function(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - start
            self.calls += 1
        self.nones += result is None
        return result


def stages(path: str) -> dict[str, Any]:
    times: dict[str, float] = {}

    def timed(stage: str, start: float) -> None:
        times[stage] = times.get(stage, 0.0) + time.perf_counter() - start

    start = time.perf_counter()
    store = ConfigStore()  # what a `check` run keeps: configs, registries, pre-filters
    found = discover([path], store)
    files = [(file, config) for file, config in found.files]
    timed("discovery", start)

    start = time.perf_counter()
    registries = {config.path: store.registry(config) for _, config in files}
    prefilters = {path: store.batch_filter(registry) for path, registry in registries.items()}
    timed("pre-filter build", start)

    start = time.perf_counter()
    contents = []
    for file, config in files:
        try:
            contents.append((file, config, read_source(file)))
        except OSError:
            continue
    timed("read", start)

    start = time.perf_counter()
    passed = []
    for file, config, data in contents:
        registry = registries[config.path]
        if prefilters[config.path].may_violate(data, *registry.workspace.module_name(file)):
            passed.append((file, config, data))
    timed("pre-filter test", start)

    sparse, whole = Timed(engine.parse_sparse), Timed(engine.parse)
    engine.parse_sparse, engine.parse = sparse, whole  # type: ignore[assignment]
    results = []
    fixed = 0
    try:
        start = time.perf_counter()
        for file, config, data in passed:
            try:
                text = decode(data).text
            except DecodeError:
                continue
            registry = registries[config.path]
            violations = analyze(text, file, registry, findings_only=True).violations
            if any(v.fix is not None for v in violations):
                fixed += 1
                violations = analyze(text, file, registry).violations
            results.extend((display_path(file), v) for v in violations)
        timed("parse and analyse", start)
    finally:
        engine.parse_sparse, engine.parse = sparse.function, whole.function  # type: ignore[assignment]
    times["of which parse"] = sparse.seconds + whole.seconds

    start = time.perf_counter()
    render_json(results, argparse.Namespace(), len(files), stream=io.StringIO())
    timed("render", start)
    return {"floor": floor(contents, {file for file, _ in results}),
        "files_discovered": len(files), "files_read": len(contents), "files_passed": len(passed),
        "lines_passed": sum(data.count(b"\n") for _, _, data in passed),
        "lines_read": sum(data.count(b"\n") for _, _, data in contents),
        "sparse_parses": sparse.calls - sparse.nones, "whole_parses": whole.calls, "full_reanalyses": fixed,
        "findings": len(results), "seconds": {stage: round(value, 3) for stage, value in times.items()},
        "loadavg": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }


def floor(contents: list[tuple[Path, Any, bytes]], violating: set[str]) -> dict[str, float]:
    """CPU seconds of what any checker built this way must do: read every file and scan it for
    words once (the least a pre-filter does), and parse every file with a finding whole (a fix
    is classified on the whole tree: SPEC §12)."""
    start = time.perf_counter()
    for file, _, _ in contents:
        words(read_source(file))
    scan = time.perf_counter() - start
    parsed = [data for file, _, data in contents if display_path(file) in violating]
    start = time.perf_counter()
    for data in parsed:
        try:
            ast.parse(decode(data).text)
        except (SyntaxError, ValueError, DecodeError):
            pass
    return {"read and scan": round(scan, 3), "parse violating files": round(time.perf_counter() - start, 3)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.chdir(args.path)
    result = stages(".")
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:18} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
