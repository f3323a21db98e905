"""The single source of truth for WebSocket imports."""

from .isolation import IsolatedWebSocketManager, create_isolated_manager
from .websocket_manager import WebSocketManager, WebSocketManagerMode

__all__ = ["IsolatedWebSocketManager", "WebSocketManager", "WebSocketManagerMode", "create_isolated_manager"]
