"""An independent model of an editor's document, for checking the server's document text.

Written apart from `ssot_lsp/lsp/document_text.py` on purpose (a character scan instead of
`LineIndex`, code units counted one character at a time), following LSP 3.17 and VS Code's
text model: `\\n`, `\\r\\n` and `\\r` end lines and nothing else does; a character past the
line end is the line end; a line past the last line is the document's end; a column inside
a character is that character's start; a reversed range has its ends swapped.
"""

from __future__ import annotations

# Every character str.splitlines treats as a line break that LSP does not.
NOT_LINE_BREAKS = ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


def line_spans(text: str) -> list[tuple[int, int]]:
    """(start, end before the line ending) of every line, found by scanning the characters."""
    spans = []
    start = index = 0
    while index < len(text):
        char = text[index]
        if char == "\r" or char == "\n":
            spans.append((start, index))
            index += 2 if text[index:index + 2] == "\r\n" else 1
            start = index
        else:
            index += 1
    spans.append((start, len(text)))
    return spans


def char_units(char: str, encoding: str) -> int:
    point = ord(char)
    if encoding == "utf-8":
        if 0xD800 <= point <= 0xDFFF:
            return 3  # a lone surrogate, as "surrogatepass" writes it
        return 1 if point < 0x80 else 2 if point < 0x800 else 3 if point < 0x10000 else 4
    if encoding == "utf-16":
        return 2 if point > 0xFFFF else 1
    return 1


def model_offset(text: str, line: int, character: int, encoding: str) -> int:
    spans = line_spans(text)
    if line >= len(spans):
        return len(text)
    start, end = spans[line]
    counted = 0
    for index in range(start, end):
        counted += char_units(text[index], encoding)
        if counted > character:
            return index
    return end


def model_apply(text: str, start: tuple[int, int], end: tuple[int, int], new_text: str, encoding: str) -> str:
    if start > end:
        start, end = end, start
    low = model_offset(text, start[0], start[1], encoding)
    high = model_offset(text, end[0], end[1], encoding)
    return text[:low] + new_text + text[high:]
