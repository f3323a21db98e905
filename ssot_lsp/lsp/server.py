"""The ssot language server: pygls wiring, the session, and the handlers' registration (SPEC §5).

Handlers live in `handlers/`, one module per feature (documents and diagnostics, code
actions, completion, hover, workspace, commands); each declares its LSP method and
whether it runs on the event loop or on the engine thread, and `create_server`
registers them so. Everything the server keeps between messages is in its `Session`
(`session.py`), created with the server. The protocol class
adds what pygls 2 leaves out: a request whose params do not validate gets an
InvalidParams error response (pygls would log it and never answer), a request before
`initialize` gets ServerNotInitialized, a message that is not a JSON-RPC 2.0 request or
notification (and each element of a batch) gets InvalidRequest, and edits for documents
that were never opened are ignored with a log line.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any, BinaryIO, Callable, Generator, Optional, TypeVar, Union, cast

from lsprotocol import types
from pygls.capabilities import get_capability
from pygls.exceptions import (JsonRpcException, JsonRpcInvalidParams, JsonRpcInvalidRequest, JsonRpcParseError,
                               JsonRpcServerNotInitialized)
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method
from pygls.protocol.json_rpc import RPCRequest
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument

from ..meta import version
from .convert import choose_encoding
from .document_text import apply_changes
from .documents import engine_executor
from .handlers import declared
from .session import Session

log = logging.getLogger("ssot_lsp")
T = TypeVar("T")
_DROPPED = object()  # a message that could not be structured and was answered already


class _Invalid:
    """A message that is not a JSON-RPC 2.0 request or notification, and the id to answer it with."""

    def __init__(self, msg_id: Any, reason: str) -> None:
        self.id, self.reason = msg_id, reason


def _valid_id(value: Any) -> bool:
    return isinstance(value, (int, str)) and not isinstance(value, bool)


def _id_of(message: Any) -> Any:
    """The id to answer an invalid message with: its own when it is a valid one, else null."""
    value = message.get("id") if isinstance(message, dict) else getattr(message, "id", None)
    return value if _valid_id(value) else None


def _invalid_reason(data: dict[str, Any]) -> Optional[str]:
    """Why a JSON object with a `jsonrpc` member is not a valid request or notification (None: it is, or a response)."""
    if data.get("jsonrpc") != "2.0":
        return f"jsonrpc must be \"2.0\", not {data.get('jsonrpc')!r}"
    if "method" not in data:
        return None if "id" in data else "a message without a method or an id"
    if not isinstance(data["method"], str):
        return "the method must be a string"
    if "id" in data and not _valid_id(data["id"]):
        return "a request id must be an integer or a string"
    return None


class SsotProtocol(LanguageServerProtocol):
    """LanguageServerProtocol that answers malformed requests and tolerates stray edits."""

    _initialize_seen = False

    def send_error(self, msg_id: Any, error: JsonRpcException) -> None:
        """An error response; `msg_id` None is sent as `"id": null`, as JSON-RPC wants."""
        self._send_data(self.error_message(msg_id, error))

    @staticmethod
    def error_message(msg_id: Any, error: JsonRpcException) -> dict[str, Any]:
        return {"jsonrpc": "2.0", "id": msg_id, "error": {"code": error.code, "message": error.message}}

    def structure_message(self, data: dict[str, Any]) -> Any:
        reason = _invalid_reason(data) if isinstance(data, dict) and "jsonrpc" in data else None
        if reason is not None:
            return _Invalid(_id_of(data), reason)
        try:
            return super().structure_message(data)
        except Exception as exc:
            if isinstance(data, dict) and "id" in data and "method" in data:
                error = JsonRpcInvalidParams(f"invalid params for {data.get('method')!r}: {exc.__cause__ or exc}")
                self._send_response(data["id"], error=error.to_response_error())
            else:
                log.warning("dropping malformed notification %r", data.get("method") if isinstance(data, dict) else None)
            return _DROPPED

    def handle_message(self, message: Any) -> Any:
        if message is _DROPPED:
            return None
        if isinstance(message, list):
            # LSP has no batches: every element is refused, in one array as JSON-RPC answers a batch.
            log.warning("refusing a batch of %d message(s): LSP has no batches", len(message))
            error = JsonRpcInvalidRequest("batches are not supported")
            if not message:
                return self.send_error(None, JsonRpcInvalidRequest("an empty batch"))
            return self._send_data([self.error_message(_id_of(element), error) for element in message])
        if isinstance(message, _Invalid) or not hasattr(message, "jsonrpc") or isinstance(message, dict):
            reason = message.reason if isinstance(message, _Invalid) else "not a JSON-RPC 2.0 message"
            log.warning("invalid request: %s", reason)
            return self.send_error(_id_of(message), JsonRpcInvalidRequest(reason))
        if not self._initialize_seen and getattr(message, "method", None) not in (types.INITIALIZE, types.EXIT):
            if isinstance(message, RPCRequest):
                return self.send_error(message.id, JsonRpcServerNotInitialized(
                    f"{message.method!r} before initialize"))
            log.warning("dropping %r: the server is not initialized", getattr(message, "method", None))
            return None
        if self._shutdown and isinstance(message, RPCRequest) and message.method != types.EXIT:
            # pygls drops these without an answer; LSP wants InvalidRequest.
            error = JsonRpcInvalidRequest(f"the server is shutting down: {message.method!r} refused")
            self._send_response(message.id, error=error.to_response_error())
            return None
        return super().handle_message(message)

    def _execute_handler(self, msg_id: Union[str, int], handler: Callable[..., Any], callback: Callable[..., None],
                         args: Optional[tuple[Any, ...]] = None, kwargs: Optional[dict[str, Any]] = None) -> None:
        super()._execute_handler(msg_id, handler, callback, args, kwargs)
        # pygls files the future of every handler it runs under an id, but only a request's
        # answer takes it out again: those of notifications (every didOpen, didChange and
        # didClose) and of the steps of its built-in handlers stayed for the life of the
        # process, about 3.5 KiB each. Forget each one once it is done, from the event loop
        # (`shutdown` cancels the pending ones while it iterates over the table).
        future = self._request_futures.get(msg_id)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # driven without an event loop: nothing runs later to forget it
            return
        if future is not None:
            future.add_done_callback(functools.partial(self._forget_future, loop, msg_id))

    def _forget_future(self, loop: asyncio.AbstractEventLoop, msg_id: Any, future: Any) -> None:
        def forget() -> None:
            if self._request_futures.get(msg_id) is future:
                del self._request_futures[msg_id]

        try:
            loop.call_soon_threadsafe(forget)
        except RuntimeError:  # the loop has closed: the process is ending
            pass

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams) -> Generator[Any, Any, types.InitializeResult]:
        # pygls takes the client's first preference; we prefer UTF-8 whenever it is offered.
        self._initialize_seen = True
        general = params.capabilities.general
        if general is not None:
            general.position_encodings = [choose_encoding(general.position_encodings)]
        return (yield from super().lsp_initialize(params))

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> Generator[Any, Any, None]:
        uri = params.text_document.uri
        document = self.workspace.text_documents.get(uri)
        if document is None:
            log.warning("ignoring didChange for %s: the document is not open", uri)
            return None
        # pygls would split lines with str.splitlines (form feeds, U+2028... end lines there):
        # the changes are applied on LSP's line model instead (`document_text.py`).
        encoding = self.workspace.position_encoding or types.PositionEncodingKind.Utf16
        text = apply_changes(document.source, params.content_changes, str(getattr(encoding, "value", encoding)), uri)
        self.workspace.put_text_document(types.TextDocumentItem(
            uri=uri, language_id=document.language_id or "python", version=params.text_document.version, text=text))
        handler = self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)
        if handler is not None:
            yield handler, (params,), None
        return None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams) -> Generator[Any, Any, Any]:
        if params.text_document.uri not in self.workspace.text_documents:
            log.warning("ignoring didClose for %s: the document is not open", params.text_document.uri)
            return None
        return (yield from super().lsp_text_document__did_close(params))


class SsotServer(LanguageServer):
    """The server: its session and its engine thread."""

    def __init__(self) -> None:
        super().__init__("ssot-lsp", version(), protocol_cls=SsotProtocol,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.session = Session()
        self._engine = engine_executor()

    # -- client capabilities -----------------------------------------------------------
    def supports(self, field: str, default: Any = None) -> Any:
        return get_capability(self.client_capabilities, field, default)

    @property
    def encoding(self) -> str:
        encoding = self.workspace.position_encoding or types.PositionEncodingKind.Utf16
        return str(getattr(encoding, "value", encoding))

    @property
    def pull_diagnostics(self) -> bool:
        return self.supports("text_document.diagnostic") is not None

    # -- documents ---------------------------------------------------------------------
    def open_document(self, uri: str) -> Optional[TextDocument]:
        """The open document at `uri`, or None (requests about other files get no answer)."""
        return cast(Optional[TextDocument], self.workspace.text_documents.get(uri))

    @staticmethod
    def path_of(uri: str) -> Optional[Path]:
        path = to_fs_path(uri) if uri.startswith("file:") else None
        return Path(os.path.abspath(path)) if path else None

    async def run_engine(self, function: Callable[..., T], *args: Any) -> T:
        """Run engine work on the single engine thread (keeps the event loop answering)."""
        return await asyncio.get_running_loop().run_in_executor(self._engine, function, *args)

    def log(self, message: str, kind: types.MessageType = types.MessageType.Log) -> None:
        log.info(message)
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    def report_server_error(self, error: Exception, source: Any) -> None:
        # Errors go to the log; requests already answered with an error response.
        log.error("%s: %s", getattr(source, "__name__", source), error)
        if isinstance(error, (json.JSONDecodeError, UnicodeDecodeError)):
            # A body that is not JSON at all: JSON-RPC answers with a ParseError and a null id.
            cast(SsotProtocol, self.protocol).send_error(None, JsonRpcParseError(str(error)))


def create_server() -> SsotServer:
    """A server with every declared handler registered where it declares it runs."""
    server = SsotServer()
    for handler in declared():
        handler.register(server)
    return server


def serve(tcp: bool = False, host: str = "127.0.0.1", port: int = 2087) -> None:
    """Run the server over stdio, or over TCP for debugging."""
    logging.basicConfig(level=os.environ.get("SSOT_LSP_LOG", "WARNING").upper(),
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    server = create_server()
    if tcp:
        server.start_tcp(host, port)
    else:
        from .stdio import ResyncingReader

        server.start_io(cast(BinaryIO, ResyncingReader(sys.stdin.buffer)))  # pygls reads lines and bytes only
