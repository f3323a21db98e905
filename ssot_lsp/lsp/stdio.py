"""Reading LSP frames from stdin so that one bad frame cannot silence the server (SPEC §5).

pygls reads header lines, then exactly Content-Length bytes. After a frame with a wrong
Content-Length, the unread rest of that body (or the unread rest of the next frame) runs
straight into the following `Content-Length:` header on one line, so that header is never
recognised, and neither is any header after it: the server would stop answering for
good. This reader ends a line where a `Content-Length:` header starts, so the stream
resynchronises at the next frame and only the damaged message is lost.
"""

from __future__ import annotations

from typing import BinaryIO

HEADER = b"Content-Length:"


class ResyncingReader:
    """A binary stream whose `readline` also breaks before an embedded Content-Length header."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._pending = b""

    def readline(self) -> bytes:
        line = self._pending or self._stream.readline()
        self._pending = b""
        at = line.find(HEADER, 1)
        if at > 0:
            self._pending = line[at:]
            return line[:at]
        return line

    def read(self, size: int = -1) -> bytes:
        if size < 0:
            data, self._pending = self._pending + self._stream.read(), b""
            return data
        data, self._pending = self._pending[:size], self._pending[size:]
        if len(data) < size:
            data += self._stream.read(size - len(data))
        return data
