"""Checking open documents and publishing their diagnostics (SPEC §5, §11).

Checks after an edit are debounced per document; a result is published only if its
version is still the document's current one and newer than what was published before.
Clients that pull (`textDocument/diagnostic`) are not pushed the same diagnostics again.
Configuration errors are shown on the config file and in a message, once per distinct
set (the session remembers what it showed). The handlers that call these live in
`handlers/documents.py`.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Optional, Protocol, Sequence

from lsprotocol import types
from pygls.uris import from_fs_path

from ..model import ConfigError, Violation
from . import convert
from .documents import BIG_DOCUMENT_CHARS, Result, check_text, lex_big_document, plan_big_document

if TYPE_CHECKING:
    from .server import SsotServer

START_AFTER_S = 2.0  # longest wait for the first documents' diagnostics before background work starts


# -- checking --------------------------------------------------------------------------
def schedule_check(ls: "SsotServer", uri: str, delay: float) -> None:
    """Check the document after `delay` seconds, replacing any check still waiting."""
    if ls.open_document(uri) is None:  # closed while an edit was being recorded
        return
    state = ls.session.state(uri)
    if state.pending is not None:
        state.pending.cancel()
    state.pending = asyncio.ensure_future(_check_later(ls, uri, delay))


def recheck_open_documents(ls: "SsotServer", skip: Optional[str] = None, refresh: bool = True) -> None:
    """Check the open documents again; `refresh`: ask a pulling client to pull again."""
    for uri in list(ls.workspace.text_documents):
        if uri != skip:
            ls.session.state(uri).stale = True
            schedule_check(ls, uri, delay=ls.session.settings.debounceMs / 1000)
    if refresh:
        refresh_client(ls)


def refresh_client(ls: "SsotServer") -> None:
    """Ask a pulling client for the workspace's diagnostics again (when it can be asked)."""
    if ls.pull_diagnostics and ls.supports("workspace.diagnostics.refresh_support"):
        ls.workspace_diagnostic_refresh(None)


async def _check_later(ls: "SsotServer", uri: str, delay: float) -> None:
    if delay > 0:
        await asyncio.sleep(delay)
    result = await current_result(ls, uri)
    document = ls.open_document(uri)
    if result is None or document is None or result.version != document.version:
        return
    if not ls.pull_diagnostics:
        publish(ls, uri, result)


async def current_result(ls: "SsotServer", uri: str) -> Optional[Result]:
    """The result for the document's current version (checked now if needed), else the last good one."""
    document = ls.open_document(uri)
    if document is None:
        return None
    state = ls.session.state(uri)
    if state.result is not None and state.result.version == document.version and not state.stale:
        return state.result
    version, text, path = document.version, document.source, ls.path_of(uri)
    state.stale = False
    lexed = None
    if len(text) > BIG_DOCUMENT_CHARS:  # lexed off the engine thread: other documents need not wait
        triggers = await ls.run_engine(plan_big_document, ls.session.configs, path, text)
        if triggers is not None:
            lexed = await asyncio.get_running_loop().run_in_executor(None, lex_big_document, text, triggers)
    result = await ls.run_engine(check_text, ls.session.configs, path, text, version, state.result, lexed)
    if uri not in ls.session.documents:  # closed meanwhile
        return None
    if result is None:  # cannot be parsed at all: keep what we had
        return state.result
    if state.result is None or (state.result.version or 0) <= (version or 0):
        state.result = result
    report_config_errors(ls, result.config_path, result.config_errors)
    if result.note is not None and uri not in ls.session.noted:
        ls.session.noted.add(uri)
        ls.log(result.note, types.MessageType.Warning)
        if len(ls.session.noted) == 1:  # one message per session: the log has the rest
            ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=result.note))
    return result


class Diagnosed(Protocol):
    """What diagnostics are built from: an open document's `Result` or a closed file's `FileResult`."""

    @property
    def version(self) -> Optional[int]: ...
    @property
    def lines(self) -> convert.TextLines: ...
    @property
    def violations(self) -> Sequence[Violation]: ...


def diagnostics_of(ls: "SsotServer", result: Diagnosed) -> list[types.Diagnostic]:
    tags = ls.supports("text_document.publish_diagnostics.tag_support") is not None or ls.pull_diagnostics
    return [convert.diagnostic(v, result.lines, ls.encoding, result.version, tags) for v in result.violations]


def publish(ls: "SsotServer", uri: str, result: Result) -> None:
    state = ls.session.state(uri)
    if state.published_version is not None and result.version is not None and result.version < state.published_version:
        return
    state.published_version = result.version
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
        uri=uri, version=result.version, diagnostics=diagnostics_of(ls, result)))


# -- configuration errors --------------------------------------------------------------
def report_config_errors(ls: "SsotServer", config_path: Optional[Path], errors: Iterable[ConfigError]) -> None:
    """Show configuration errors on the config file and in a message (once per distinct set)."""
    if config_path is None:
        return
    errors = list(errors)
    uri = from_fs_path(str(config_path)) or str(config_path)
    key = tuple(str(e) for e in errors)
    reported = ls.session.reported_config_errors
    if reported.get(uri) == key:
        return
    reported[uri] = key
    text = _read(config_path)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
        uri=uri, diagnostics=[convert.config_diagnostic(_key_line(text, e.key), f"{e.key}: {e.reason}", e.key)
                              for e in errors]))
    if errors:
        ls.window_show_message(types.ShowMessageParams(
            type=types.MessageType.Error,
            message=f"ssot: {len(errors)} configuration error(s) in {config_path}: {errors[0].key}: {errors[0].reason}"))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _key_line(text: str, key: str) -> int:
    """The line of the config file where the offending key's last part appears (0 if unknown)."""
    import re

    last = re.split(r"[.\[\]]", key.strip("[]."))
    names = [part for part in last if part and not part.isdigit()]
    if not names or not text:
        return 0
    for number, line in enumerate(text.splitlines()):
        if re.match(rf"\s*\"?{re.escape(names[-1])}\"?\s*=", line):
            return number
    return 0


async def after_first_diagnostics(ls: "SsotServer") -> None:
    """Let the documents opened with the workspace be checked before background work competes for the processor."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + START_AFTER_S
    await asyncio.sleep(0.05)  # clients send didOpen right after `initialized`
    documents = ls.session.documents
    while loop.time() < deadline:
        if all(uri in documents and documents[uri].result is not None for uri in ls.workspace.text_documents):
            return
        await asyncio.sleep(0.02)
