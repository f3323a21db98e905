"""Regression tests of the stdin reader that resynchronises after a wrong Content-Length."""

from __future__ import annotations

import io

from ssot_lsp.lsp.stdio import ResyncingReader


def lines(reader: ResyncingReader, count: int) -> list[bytes]:
    return [reader.readline() for _ in range(count)]


def test_header_glued_to_a_body_tail_starts_a_new_line() -> None:
    reader = ResyncingReader(io.BytesIO(b'"}}Content-Length: 2\r\n\r\n{}'))
    assert lines(reader, 3) == [b'"}}', b"Content-Length: 2\r\n", b"\r\n"]
    assert reader.read(2) == b"{}"


def test_read_takes_pending_bytes_first() -> None:
    reader = ResyncingReader(io.BytesIO(b"xContent-Length: 1\r\nrest"))
    assert reader.readline() == b"x"
    assert reader.read(4) == b"Cont"
    assert reader.readline() == b"ent-Length: 1\r\n"
    assert reader.read(10) == b"rest"
    assert reader.readline() == b""


def test_ordinary_frames_pass_unchanged() -> None:
    data = b"Content-Length: 2\r\nContent-Type: x\r\n\r\n{}Content-Length: 3\r\n\r\n[1]"
    reader = ResyncingReader(io.BytesIO(data))
    assert lines(reader, 3) == [b"Content-Length: 2\r\n", b"Content-Type: x\r\n", b"\r\n"]
    assert reader.read(2) == b"{}"
    assert lines(reader, 2) == [b"Content-Length: 3\r\n", b"\r\n"]
    assert reader.read(3) == b"[1]"
