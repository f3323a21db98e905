"""Reading LSP frames from stdin so that no frame can silence or sink the server (SPEC §5).

pygls reads header lines, then exactly Content-Length bytes, and understands only
`Content-Length: N` spelled that way and ended by CRLF. This reader sits between stdin
and pygls and hands it lines pygls understands:

- a header name in any case (`content-length`), with any spaces around the colon and a
  line ended by LF only, is passed on as `Content-Length: N\\r\\n`; a blank LF line as CRLF;
- a frame above `MAX_FRAME_BYTES` (`Content-Length: 1000000000000` would make pygls try
  to read a terabyte) is refused with a log line: everything up to the next
  `Content-Length` header is dropped, and the stream goes on from there;
- after a frame with a wrong Content-Length, the unread rest of that body (or of the next
  frame) runs straight into the following header on one line: a line also ends where an
  embedded `Content-Length:` header starts, so the stream resynchronises at the next frame
  and only the damaged message is lost.
"""

from __future__ import annotations

import logging
import re
from typing import BinaryIO, Callable

log = logging.getLogger("ssot_lsp")
MAX_FRAME_BYTES = 128 * 1024 * 1024  # a 20 MB file with every character escaped still fits
LINE_LIMIT = 64 * 1024  # header lines are short; a longer line is read in pieces
HEADER = re.compile(rb"content-length[ \t]*:", re.IGNORECASE)
LENGTH_LINE = re.compile(rb"[ \t]*content-length[ \t]*:[ \t]*(\d+)[ \t]*\r?\n?", re.IGNORECASE)


class ResyncingReader:
    """A binary stream whose `readline` gives pygls well-formed header lines (see the module)."""

    def __init__(self, stream: BinaryIO, max_frame: int = MAX_FRAME_BYTES,
                 report: Callable[[str], None] = log.warning) -> None:
        self._stream = stream
        self._pending = b""
        self._skipping = False  # dropping a refused frame's body up to the next header
        self.max_frame = max_frame
        self._report = report

    def readline(self) -> bytes:
        while True:
            line = self._next_line()
            if not line:
                return line
            starts_header = HEADER.match(line) is not None
            if self._skipping and not starts_header:
                continue
            self._skipping = False
            if line.strip(b"\r\n") == b"":
                return b"\r\n"
            length = LENGTH_LINE.fullmatch(line)
            if length is None:
                return line
            size = int(length.group(1))
            if size <= self.max_frame:
                return b"Content-Length: %d\r\n" % size
            self._report(f"ignoring a frame of {size} bytes (the limit is {self.max_frame}): "
                         "its body is skipped up to the next Content-Length header")
            self._skipping = True

    def _next_line(self) -> bytes:
        line = self._pending or self._stream.readline(LINE_LIMIT)
        self._pending = b""
        embedded = HEADER.search(line, 1)
        if embedded is not None:
            self._pending = line[embedded.start():]
            return line[:embedded.start()]
        return line

    def read(self, size: int = -1) -> bytes:
        if size < 0:
            data, self._pending = self._pending + self._stream.read(), b""
            return data
        data, self._pending = self._pending[:size], self._pending[size:]
        if len(data) < size:
            data += self._stream.read(size - len(data))
        return data
