"""Long fuzz run of the engine, the fixer and the language server (hypothesis, many examples).

    .venv/bin/python benchmarks/fuzz_long.py [--examples 20000] [--server-examples 2000] [--json]

The test suite runs the same properties with a few dozen examples each; this script runs
them with as many as you give it, keeps going after a failure (printing the shrunk
counterexample), and ends with the number of inputs tried and failures found per target:

- engine: the demo files mutated (token deletion and insertion, truncation, junk such as
  unbalanced brackets, NUL bytes, odd line endings) are analysed without an exception;
- bytes: random bytes and damaged encodings either decode or raise DecodeError;
- fixer: fix_all on mutated text never turns a compiling file into one that does not
  compile, and a second fix_all changes nothing;
- batch: on mutated text that compiles, the batch path of `ssot-lsp check` (sparse parse,
  registry limited to the trigger names) finds exactly what a full check finds;
- prefilter: generated workspaces (re-exports through aliases, module objects, star and
  relative imports; uses through attribute chains, string imports) where the pre-filter
  skips a file only when a full check finds nothing in it, and the batch path reports
  exactly what the full check reports (tests/fuzz/test_prefilter_fuzz.py);
- server: random didOpen / incremental didChange / completion / hover / codeAction /
  diagnostic sequences against `python -m ssot_lsp` are all answered, and the process lives;
- text: random incremental edits (every character `str.splitlines` takes for a line break,
  astral characters, CR and CRLF, positions past line ends and past the document, reversed
  ranges; UTF-16, UTF-8 and UTF-32 positions) applied to the server's document text
  (`lsp/document_text.py`) and to an independent model (tests/reliability/text_model.py):
  the texts must be equal after every edit;
- server-text: the same kind of edits sent to `python -m ssot_lsp` as didChange; the
  document's pulled diagnostics must equal those of the model's text opened whole.

The text targets count edits (`edits`), not documents.

Exit code 1 when any target found a failure.
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import sys
import time
import traceback
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from ssot_lsp.engine import analyze  # noqa: E402
from ssot_lsp.fixer import fix_all  # noqa: E402
from ssot_lsp.source import DecodeError, decode  # noqa: E402
from tests.fuzz.test_engine_fuzz import (  # noqa: E402
    CONFIG, JUNK, TARGET, batch_agrees, batch_registry, texts, token_boundaries,
)

TRIED: dict[str, int] = {}
SOURCES = texts()
BOUNDARIES = [token_boundaries(text) for text in SOURCES]


def mutated(data: st.DataObject) -> str:
    index = data.draw(st.integers(0, len(SOURCES) - 1))
    text, boundaries = SOURCES[index], BOUNDARIES[index]
    for _ in range(data.draw(st.integers(1, 6))):
        at = min(data.draw(st.sampled_from(boundaries)) if boundaries else 0, len(text))
        action = data.draw(st.sampled_from(["delete", "insert", "insert", "truncate", "duplicate"]))
        if action == "delete":
            text = text[:at] + text[min(len(text), at + data.draw(st.integers(1, 40))):]
        elif action == "insert":
            text = text[:at] + data.draw(st.lists(JUNK, min_size=1, max_size=5).map("".join)) + text[at:]
        elif action == "duplicate":
            text = text[:at] + text[at:at + data.draw(st.integers(1, 200))] + text[at:]
        else:
            text = text[:at]
    return text


def count(target: str) -> None:
    TRIED[target] = TRIED.get(target, 0) + 1


def engine_target(data: st.DataObject) -> None:
    count("engine")
    analyze(mutated(data), TARGET, CONFIG)


def bytes_target(blob: bytes) -> None:
    count("bytes")
    try:
        decoded = decode(blob)
    except DecodeError:
        return
    analyze(decoded.text, TARGET, CONFIG)


def compiles(text: str) -> bool:
    try:
        compile(text, "<fuzz>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def fixer_target(data: st.DataObject) -> None:
    count("fixer")
    text = mutated(data)
    first = fix_all(text, TARGET, CONFIG)
    if compiles(text):
        assert compiles(first.text), "a fix broke a file that compiled"
    again = fix_all(first.text, TARGET, CONFIG)
    assert again.text == first.text, "fix_all is not idempotent"


BATCH_REGISTRY = batch_registry()


def batch_target(data: st.DataObject) -> None:
    count("batch")
    assert batch_agrees(mutated(data), BATCH_REGISTRY), "the batch path found something else"


def prefilter_target(case: dict) -> None:
    from tests.fuzz.test_prefilter_fuzz import prefilter_agrees

    count("prefilter")
    assert prefilter_agrees(case), f"the pre-filter or the batch path disagrees with a full check: {case}"


def text_target(data: st.DataObject) -> None:
    from tests.reliability.test_document_text import ENCODINGS, TEXTS, change, positions
    from tests.reliability.text_model import model_apply

    from ssot_lsp.lsp.document_text import apply_change

    count("text")
    text = model = data.draw(TEXTS)
    encoding = data.draw(ENCODINGS)
    for _ in range(data.draw(st.integers(1, 40))):
        start, end = data.draw(positions(model)), data.draw(positions(model))
        new_text = data.draw(TEXTS)
        text = apply_change(text, change(start, end, new_text), encoding)
        model = model_apply(model, start, end, new_text, encoding)
        EDITS["text"] = EDITS.get("text", 0) + 1
        assert text == model, "the server's text diverged from the model"


EDITS: dict[str, int] = {}


def make_server_text_target():
    from tests.reliability.jsonrpc import PROBE_PATH, RawServer
    from tests.reliability.test_document_text import EDIT_TEXTS, SEPARATED_PROBE, pulled
    from tests.reliability.text_model import model_apply

    server = RawServer()
    server.initialize()
    names = itertools.count()
    edit = st.tuples(st.integers(0, 9), st.integers(0, 90), st.integers(0, 9), st.integers(0, 90), EDIT_TEXTS)

    def server_text_target(data: st.DataObject) -> None:
        count("server-text")
        uri = server.open(PROBE_PATH.with_name(f"fuzz_text_{next(names)}.py"), SEPARATED_PROBE)
        model = SEPARATED_PROBE
        edits = data.draw(st.lists(edit, min_size=1, max_size=30))
        for version, (line, column, end_line, end_column, text) in enumerate(edits, start=2):
            server.change(uri, version, [{"range": {"start": {"line": line, "character": column},
                                                    "end": {"line": end_line, "character": end_column}},
                                          "text": text}])
            model = model_apply(model, (line, column), (end_line, end_column), text, "utf-16")
        EDITS["server-text"] = EDITS.get("server-text", 0) + len(edits)
        whole = server.open(PROBE_PATH.with_name(f"fuzz_text_{next(names)}.py"), model)
        try:
            assert pulled(server, uri) == pulled(server, whole), "the server's text diverged from the model"
        finally:
            for closing in (uri, whole):
                server.notify("textDocument/didClose", {"textDocument": {"uri": closing}})

    return server_text_target, server


def make_server_target():
    from tests.reliability.jsonrpc import PROBE_PATH, RawServer
    from tests.reliability.test_server_fuzz import operations, ordered, run_request

    server = RawServer()
    server.initialize()
    names = itertools.count()

    def server_target(data: st.DataObject) -> None:
        count("server")
        text = data.draw(st.one_of(st.sampled_from(SOURCES), st.just("")))
        if data.draw(st.booleans()):
            text = mutated(data)
        uri = server.open(PROBE_PATH.with_name(f"fuzz_long_{next(names)}.py"), text)
        version = 1
        for op in data.draw(operations(text.count("\n"))):
            if op[0] == "change":
                version += 1
                start, end = ordered(op[1], op[2])
                server.change(uri, version, [{"range": {"start": start, "end": end}, "text": op[3]}])
                continue
            reply = run_request(server, uri, op)
            assert ("result" in reply) != ("error" in reply), reply
        server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        assert server.process.poll() is None, "the server died"

    return server_target, server


def run_target(name: str, test: Callable, strategy, examples: int) -> dict:
    runner = settings(max_examples=examples, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))(given(strategy)(test))
    started = time.monotonic()
    failure = None
    try:
        runner()
    except Exception:
        failure = traceback.format_exc(limit=8)
        print(f"--- {name}: FAILURE\n{failure}", file=sys.stderr)
    return {"target": name, "inputs": TRIED.get(name, 0), "edits": EDITS.get(name),
            "failures": int(failure is not None),
            "seconds": round(time.monotonic() - started, 1), "failure": failure}


def run_server_target(name: str, make: Callable, examples: int) -> dict:
    """`run_target` for a target that talks to a server process of its own (`make` starts it)."""
    target, server = make()
    try:
        return run_target(name, target, st.data(), examples)
    finally:
        server.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=20_000, help="examples per in-process target")
    parser.add_argument("--server-examples", type=int, default=2_000, help="document sessions sent to the server")
    parser.add_argument("--text-examples", type=int, default=10_000, help="documents edited in process (text)")
    parser.add_argument("--prefilter-examples", type=int, default=3_000, help="generated workspaces (prefilter)")
    parser.add_argument("--only", choices=["engine", "bytes", "fixer", "batch", "prefilter", "server", "text",
                                           "server-text"],
                        action="append")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    chosen = set(args.only or ["engine", "bytes", "fixer", "batch", "prefilter", "server", "text", "server-text"])
    results = []
    if "engine" in chosen:
        results.append(run_target("engine", engine_target, st.data(), args.examples))
    if "bytes" in chosen:
        blobs = st.one_of(st.binary(max_size=2000),
                          st.sampled_from(SOURCES).map(lambda t: t.encode("utf-8")).flatmap(
                              lambda b: st.tuples(st.just(b), st.integers(0, len(b)), st.binary(max_size=8)).map(
                                  lambda t: t[0][:t[1]] + t[2] + t[0][t[1]:])))
        results.append(run_target("bytes", bytes_target, blobs, args.examples))
    if "fixer" in chosen:
        results.append(run_target("fixer", fixer_target, st.data(), args.examples))
    if "batch" in chosen:
        results.append(run_target("batch", batch_target, st.data(), args.examples))
    if "prefilter" in chosen:
        from tests.fuzz.test_prefilter_fuzz import workspaces

        results.append(run_target("prefilter", prefilter_target, workspaces, args.prefilter_examples))
    if "server" in chosen:
        results.append(run_server_target("server", make_server_target, args.server_examples))
    if "text" in chosen:
        logging.getLogger("ssot_lsp").setLevel(logging.ERROR)  # the reversed ranges' log lines, thousands
        results.append(run_target("text", text_target, st.data(), args.text_examples))
    if "server-text" in chosen:
        results.append(run_server_target("server-text", make_server_text_target, args.server_examples))
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for result in results:
            edits = f"  edits {result['edits']:>8}" if result["edits"] is not None else ""
            print(f"{result['target']:11} inputs {result['inputs']:>8}{edits}  failures {result['failures']}  "
                  f"{result['seconds']:>7}s")
    return 1 if any(result["failures"] for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
