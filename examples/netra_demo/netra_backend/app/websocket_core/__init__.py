"""Compatibility shim: old import paths keep working while callers migrate."""

from .factory import create_websocket_manager, get_websocket_manager
from .websocket_manager import WebSocketManager

__all__ = ["WebSocketManager", "create_websocket_manager", "get_websocket_manager"]
