"""LSP base-protocol frames (`Content-Length` header, blank line, JSON body), standard library only.

Shared by the raw client of the reliability suites (jsonrpc.py) and the editor benchmark
(benchmarks/editor.py, which runs where pytest is not installed).
"""

from __future__ import annotations

import json
from typing import IO, Optional


def frame(payload: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(payload) + payload


def encode(message: dict) -> bytes:
    return frame(json.dumps(message).encode("utf-8"))


def read_message(stream: IO[bytes]) -> Optional[dict]:
    """The next message on `stream`; None at its end. Frames without a length are skipped."""
    while True:
        length = None
        while True:
            line = stream.readline()
            if not line:
                return None
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode("ascii").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        if length is not None:
            return json.loads(stream.read(length))
