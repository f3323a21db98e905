"""The load workload shared by the load test and benchmarks/load.py.

Many open documents under the demo workspace, edited incrementally in a burst. The
client keeps its own copy of every document so the final text is known exactly.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from .jsonrpc import PROBE_PATH, RawServer

HEADER = (
    "import os\n"
    "from netra_backend.app.websocket_core import get_websocket_manager\n"
    "\n"
)
LINES = [
    "import netra_backend.app.websocket_core.factory as old{n}\n",
    "from netra_backend.app.websocket_core.canonical_imports import create_isolated_manager\n",
    "manager{n} = get_websocket_manager()\n",
    "value{n} = os.path.join('a', 'b')\n",
    "def handler{n}(user_id, connection_id, user_context):\n    return get_websocket_manager()\n",
    "# a comment mentioning get_websocket_manager()\n",
]


@dataclass
class Document:
    """A document as the client sees it."""

    path: Path
    uri: str
    lines: list[str] = field(default_factory=list)
    version: int = 1

    @property
    def text(self) -> str:
        return "".join(self.lines)


def open_documents(server: RawServer, count: int, rng: random.Random, prefix: str = "load") -> list[Document]:
    documents = []
    for index in range(count):
        path = PROBE_PATH.with_name(f"{prefix}_{index}.py")
        lines = list(HEADER.splitlines(keepends=True))
        for n in range(rng.randint(5, 40)):
            lines += rng.choice(LINES).format(n=n).splitlines(keepends=True)
        document = Document(path, "", lines)
        document.uri = server.open(path, document.text)
        documents.append(document)
    return documents


def random_edit(document: Document, rng: random.Random, serial: int) -> dict:
    """Apply one random incremental edit to the client's copy; return the LSP change."""
    body = len(document.lines)
    line = rng.randint(3, body)  # never touch the header
    choice = rng.random()
    if choice < 0.45 or line == body:  # insert a whole line
        new = rng.choice(LINES).format(n=serial)
        start = end = {"line": line, "character": 0}
        document.lines[line:line] = new.splitlines(keepends=True)
        text = new
    elif choice < 0.7:  # delete a line
        start, end = {"line": line, "character": 0}, {"line": line + 1, "character": 0}
        del document.lines[line]
        text = ""
    else:  # type inside a line, keeping its newline
        old = document.lines[line]
        column = rng.randint(0, len(old) - 1)
        text = rng.choice(["x", "_", " ", "()", "old", "."])
        start = end = {"line": line, "character": column}
        document.lines[line] = old[:column] + text + old[column:]
    document.version += 1
    return {"range": {"start": start, "end": end}, "text": text}


def burst(server: RawServer, documents: list[Document], edits: int, rng: random.Random) -> None:
    for serial in range(edits):
        document = rng.choice(documents)
        change = random_edit(document, rng, serial)
        server.change(document.uri, document.version, [change])
