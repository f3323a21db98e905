"""Load benchmark of the language server: memory and single-edit latency before and after a burst.

    .venv/bin/python benchmarks/load.py [--docs 200] [--edits 5000] [--json]

Starts `python -m ssot_lsp` over stdio, measures the resident memory (VmRSS from
/proc/<pid>/status) and the latency of one edit (didChange → publishDiagnostics of that
version) on an idle server, then opens `--docs` documents and sends `--edits`
incremental edits in one burst, waits for every document's final diagnostics, closes the
documents and measures memory and latency again; `--cycles` repeats the burst so that
memory the allocator keeps can be told from a leak. Correctness under this load is asserted
by tests/reliability/test_load.py; this script records the figures (docs/reliability.md).
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.reliability.jsonrpc import PROBE_PATH, RawServer  # noqa: E402
from tests.reliability.workload import burst, open_documents  # noqa: E402

LINE = "import netra_backend.app.websocket_core.factory as old\n"


def edit_latencies(server: RawServer, uri: str, version: int, count: int) -> tuple[list[float], int]:
    """Seconds from one didChange to the diagnostics of its version, `count` times."""
    samples = []
    for index in range(count):
        version += 1
        start_index = len(server.received)
        if index % 2 == 0:
            change = {"range": {"start": {"line": 5, "character": 0}, "end": {"line": 5, "character": 0}}, "text": LINE}
        else:
            change = {"range": {"start": {"line": 5, "character": 0}, "end": {"line": 6, "character": 0}}, "text": ""}
        started = time.perf_counter()
        server.change(uri, version, [change])
        server.published(uri, version, timeout=60, start=start_index)
        samples.append(time.perf_counter() - started)
    return samples, version


def summary(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {"median_ms": round(statistics.median(ordered) * 1000, 1),
            "p90_ms": round(ordered[int(len(ordered) * 0.9) - 1] * 1000, 1)}


class PeakMemory:
    """Samples the server's RSS in the background and keeps the maximum."""

    def __init__(self, server: RawServer) -> None:
        self.server, self.peak, self._stop = server, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, self.server.rss_kib())
            except OSError:
                return
            self._stop.wait(0.05)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def settle(server: RawServer, seconds: float = 3.0) -> int:
    time.sleep(seconds)
    return server.rss_kib()


def run(docs: int, edits: int, samples: int, cycles: int = 2) -> dict:
    server = RawServer(settings={"debounceMs": 0})
    try:
        server.initialize()
        probe_text = "".join(["import os\n", "from netra_backend.app.websocket_core import get_websocket_manager\n",
                              "\n", "def handler():\n", "    return get_websocket_manager()\n", "x = 1\n"])
        uri = server.open(PROBE_PATH.with_name("bench_probe.py"), probe_text)
        server.published(uri, 1, timeout=60)
        edit_latencies(server, uri, 1, 5)  # warm up caches
        version = 6
        rss_baseline = settle(server)
        before, version = edit_latencies(server, uri, version, samples)

        rng = random.Random(8)
        peak = PeakMemory(server)
        cycles_figures = []
        for cycle in range(cycles):
            started = time.perf_counter()
            documents = open_documents(server, docs, rng, prefix=f"bench{cycle}")
            burst(server, documents, edits, rng)
            sent = time.perf_counter() - started
            for document in documents:
                server.published(document.uri, document.version, timeout=600)
            drained = time.perf_counter() - started
            rss_open = settle(server, 1.0)
            for document in documents:
                server.notify("textDocument/didClose", {"textDocument": {"uri": document.uri}})
            server.pulled_codes(uri)  # the closes have been processed
            cycles_figures.append({
                "burst_sent_s": round(sent, 1), "all_final_diagnostics_s": round(drained, 1),
                "edits_per_s": round(edits / drained, 1), "rss_with_documents_open_mib": round(rss_open / 1024, 1),
                "rss_after_close_mib": round(settle(server) / 1024, 1)})
        rss_peak = peak.stop()
        after, version = edit_latencies(server, uri, version, samples)
        return {
            "documents": docs, "edits": edits, "latency_samples": samples,
            "rss_baseline_mib": round(rss_baseline / 1024, 1), "rss_peak_mib": round(rss_peak / 1024, 1),
            "cycles": cycles_figures,
            "latency_before": summary(before), "latency_after": summary(after),
            "exit_code": server.shutdown_and_exit(),
        }
    finally:
        server.close()
        gc.collect()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--edits", type=int, default=5000)
    parser.add_argument("--samples", type=int, default=40, help="single edits timed before and after")
    parser.add_argument("--cycles", type=int, default=2,
                        help="open/burst/close cycles (a second cycle that does not grow memory rules out a leak)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    figures = run(args.docs, args.edits, args.samples, args.cycles)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            print(f"{key:32} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
