"""Hover on a flagged element: the rule's message, the replacement, how to fix (SPEC §5)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from lsprotocol import types

from ..hover import hover_markdown
from . import convert
from .diagnostics import current_result
from .server import position_guard

if TYPE_CHECKING:
    from .server import SsotServer


def register(server: "SsotServer") -> None:
    server.feature(types.TEXT_DOCUMENT_HOVER)(position_guard(text_document_hover))


async def text_document_hover(ls: "SsotServer", params: types.HoverParams) -> Optional[types.Hover]:
    result = await current_result(ls, params.text_document.uri)
    if result is None or result.registry is None:
        return None
    line, column = convert.engine_position(result.lines, params.position, ls.encoding)
    for violation in result.violations:
        if violation.span.contains(line, column):
            rule = result.registry.rules.get(violation.code)
            return types.Hover(
                contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=hover_markdown(violation, rule)),
                range=convert.lsp_range(result.lines, violation.span, ls.encoding),
            )
    return None
