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


def test_header_names_in_any_case_and_lf_only_lines_are_normalised() -> None:
    reader = ResyncingReader(io.BytesIO(b"content-LENGTH :  2 \nContent-Type: x\n\n{}"))
    assert lines(reader, 3) == [b"Content-Length: 2\r\n", b"Content-Type: x\n", b"\r\n"]
    assert reader.read(2) == b"{}"


def test_a_frame_above_the_limit_is_skipped_up_to_the_next_header() -> None:
    reports: list[str] = []
    body = b'{"jsonrpc": "2.0",\r\n\r\n"method": "' + b"x" * 40 + b'"}'
    data = b"Content-Length: %d\r\n\r\n" % len(body) + body + b"content-length: 2\r\n\r\n{}"
    reader = ResyncingReader(io.BytesIO(data), max_frame=20, report=reports.append)
    assert lines(reader, 2) == [b"Content-Length: 2\r\n", b"\r\n"]
    assert reader.read(2) == b"{}"
    assert reader.readline() == b""
    assert len(reports) == 1 and f"{len(body)} bytes" in reports[0] and "limit is 20" in reports[0]


def test_a_frame_at_the_limit_is_read() -> None:
    reports: list[str] = []
    reader = ResyncingReader(io.BytesIO(b"Content-Length: 20\r\n\r\n" + b"y" * 20), max_frame=20,
                             report=reports.append)
    assert lines(reader, 2) == [b"Content-Length: 20\r\n", b"\r\n"]
    assert reader.read(20) == b"y" * 20
    assert reports == []
