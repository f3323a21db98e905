"""Big and strange documents in the language server: how long they take, and what others wait.

    .venv/bin/python benchmarks/big_inputs.py [--only NAME] [--json]

Starts `python -m ssot_lsp` over stdio (push diagnostics, no debounce), opens a small
document, then for each case opens a big document and measures:

- first: didOpen to its first publishDiagnostics;
- edit: one keystroke in a comment in the middle of it to the diagnostics of that version
  (median of three);
- stall: while the big document is re-checked after an edit, the small document is edited
  every 20 ms; the longest time one of those edits waited for its diagnostics;
- memory: the server's resident memory (VmRSS) after the case, and its peak (VmHWM).

Cases: a 60,000-line module with 500 violations; a 2 MB line (a data literal); a broken
document with an emoji followed by 100,000 identifier characters (parso's tokenizer was
quadratic on it); a 20 MB module. The figures go to docs/reliability.md.
"""

from __future__ import annotations

import argparse
import functools
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.reliability.jsonrpc import PROBE_PATH, PROBE_TEXT, RawServer  # noqa: E402

HEADER = PROBE_TEXT


def module_of(lines: int, violations: int) -> str:
    """`lines` lines of plain functions, `violations` of them calling a deprecated singleton."""
    body = []
    every = max(1, (lines // 6) // max(1, violations))
    for index in range(lines // 6):
        call = "get_websocket_manager()" if index % every == 0 and index // every < violations else "a + b"
        body.append(f"def function_{index}(a, b):\n    # step {index}\n    total = {call}\n"
                    f"    if total:\n        return total\n    return None\n")
    return HEADER + "".join(body)


def long_line(size: int) -> str:
    items = ", ".join(str(n) for n in range(size // 8))
    return HEADER + "# a data line\nDATA = [" + items + "]\n"


def emoji_line(length: int) -> str:
    """A broken document whose repair needs parso (more broken statements than the quick repair tries)."""
    broken = "".join(f"def broken_{n}(:\n    pass\n" for n in range(8))
    return HEADER + "# broken below\nname = \U0001f600" + "a" * length + "\n" + broken


CASES: dict[str, Callable[[], str]] = {
    "60k-lines-500-violations": lambda: module_of(60_000, 500),
    "2MB-line": lambda: long_line(2_000_000),
    "emoji-100k-broken": lambda: emoji_line(100_000),
    "20MB-file": lambda: module_of(1_100_000, 500),
}


def memory(server: RawServer) -> dict:
    fields = {}
    for line in Path(f"/proc/{server.process.pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = round(int(value.split()[0]) / 1024, 1)
    return {"rss_mib": fields.get("VmRSS"), "peak_rss_mib": fields.get("VmHWM")}


def comment_edit(text: str, version: int) -> tuple[dict, int]:
    """A one-character insertion at the end of a comment line near the middle of `text`."""
    lines = text.split("\n")
    middle = len(lines) // 2
    line = next((n for n in range(middle, len(lines)) if lines[n].lstrip().startswith("#")), 0)
    character = len(lines[line].encode("utf-16-le")) // 2
    return {"range": {"start": {"line": line, "character": character},
                      "end": {"line": line, "character": character}}, "text": "x"}, version + 1


def run_case(server: RawServer, name: str, text: str, small: str, small_version: list) -> dict:
    """One case; `small_version` holds the small document's version, which only ever grows."""
    uri = server.open(PROBE_PATH.with_name(f"big_{name.replace('-', '_')}.py"), text)
    started = time.perf_counter()
    first = server.published(uri, 1, timeout=900)
    first_s = time.perf_counter() - started
    edits, version, stalls = [], 1, []
    for _ in range(3):
        change, version = comment_edit(text, version)  # the comment grows; its line stays a comment
        start_index = len(server.received)
        started = time.perf_counter()
        server.change(uri, version, [change])
        done = functools.partial(_published_since, server, uri, version, start_index)
        stalls.extend(_edit_small_meanwhile(server, small, small_version, done))
        server.published(uri, version, timeout=900, start=start_index)
        edits.append(time.perf_counter() - started)
    result = {"case": name, "bytes": len(text.encode("utf-8")), "lines": text.count("\n"),
              "violations": len(first["diagnostics"]), "first_s": round(first_s, 2),
              "edit_s": round(statistics.median(edits), 2),
              "stall_ms": round(max(stalls) * 1000) if stalls else None, **memory(server)}
    server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    return result


def _published_since(server: RawServer, uri: str, version: int, start: int) -> bool:
    return any(m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
               and m["params"].get("version") == version for m in server.received[start:])


def _edit_small_meanwhile(server: RawServer, uri: str, version: list, done: Callable[[], bool]) -> list[float]:
    """Edit the small document every 20 ms until `done`; seconds each edit waited for its diagnostics."""
    waits = []
    while not done():
        version[0] += 1
        start_index = len(server.received)
        started = time.perf_counter()
        server.change(uri, version[0], [{"range": {"start": {"line": 0, "character": 0},
                                                    "end": {"line": 0, "character": 0}}, "text": "#"}])
        server.published(uri, version[0], timeout=900, start=start_index)
        waits.append(time.perf_counter() - started)
        time.sleep(0.02)
    return waits


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(CASES), action="append")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    server = RawServer()
    results = []
    try:
        server.initialize()
        small = server.open(PROBE_PATH.with_name("big_inputs_small.py"), PROBE_TEXT)
        server.published(small, 1)
        small_version = [1]
        for name in args.only or list(CASES):
            results.append(run_case(server, name, CASES[name](), small, small_version))
            if not args.json:
                print(results[-1], flush=True)
    finally:
        server.close()
    if args.json:
        print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
