"""Load: 200 open documents and 5,000 incremental edits in one burst (SPEC §5).

Afterwards every document's diagnostics for its last version must equal what the engine
finds on the final text. Timing and memory are measured by benchmarks/load.py, not here.
"""

from __future__ import annotations

import random

from ssot_lsp.config import load_config
from ssot_lsp.engine import check
from tests.conftest import DEMO

from .jsonrpc import RawServer
from .workload import burst, open_documents

CONFIG = load_config(DEMO / "pyproject.toml")


def engine_view(text: str, path) -> list[tuple]:
    return sorted((v.code, v.span.start_line, v.span.start_col, v.span.end_line, v.span.end_col)
                  for v in check(text, path, CONFIG))


def client_view(diagnostics: list[dict]) -> list[tuple]:
    return sorted((d["code"], d["range"]["start"]["line"], d["range"]["start"]["character"],
                   d["range"]["end"]["line"], d["range"]["end"]["character"]) for d in diagnostics)


def test_burst_of_edits_ends_with_correct_diagnostics() -> None:
    fresh_server = RawServer(settings={"debounceMs": 150})  # the default an editor gets
    try:
        run_burst(fresh_server)
    finally:
        fresh_server.close()


def run_burst(fresh_server: RawServer) -> None:
    rng = random.Random(8)
    fresh_server.initialize()
    documents = open_documents(fresh_server, 200, rng)
    burst(fresh_server, documents, 5_000, rng)
    for document in documents:
        published = fresh_server.published(document.uri, document.version, timeout=120)
        assert client_view(published["diagnostics"]) == engine_view(document.text, document.path), document.path
    # Pulled diagnostics agree with the pushed ones, and the server still shuts down cleanly.
    sample = documents[::40]
    for document in sample:
        pulled = fresh_server.request("textDocument/diagnostic", {"textDocument": {"uri": document.uri}})
        assert client_view(pulled["result"]["items"]) == engine_view(document.text, document.path)
    assert fresh_server.shutdown_and_exit() == 0
