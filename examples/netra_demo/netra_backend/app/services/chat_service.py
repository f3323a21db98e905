"""Chat service: relative imports, a class-body import, TYPE_CHECKING."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import websocket_core
from .websocket_notifier import WebSocketNotifier
from netra_backend.app.services import websocket_notifier as notifiers
from netra_backend.app.websocket_core import WebSocketManager
from netra_backend.app.websocket_core import create_websocket_manager

if TYPE_CHECKING:
    from netra_backend.app.agents.supervisor.execution_engine import ExecutionEngine


class ChatService:
    from netra_backend.app.websocket_core.factory import WebSocketManagerMode as Mode

    def __init__(self, user_context):
        self.manager = create_websocket_manager(user_context=user_context)
        self.notifier = WebSocketNotifier.create_for_user(None, user_context)
        self.fallback = notifiers.WebSocketNotifier()

    def shared(self):
        return websocket_core.get_websocket_manager()

    def engine(self) -> ExecutionEngine:
        raise NotImplementedError

    def kind(self) -> WebSocketManager:
        return self.manager
