"""Deprecated factory module, kept for old callers."""

import warnings

from .websocket_manager import WebSocketManager, WebSocketManagerMode

warnings.warn(
    "netra_backend.app.websocket_core.factory is deprecated; import from "
    "netra_backend.app.websocket_core.canonical_imports",
    DeprecationWarning,
    stacklevel=2,
)

_SINGLETON = None


def create_websocket_manager(user_context=None, **kwargs):
    warnings.warn("create_websocket_manager is deprecated", DeprecationWarning, stacklevel=2)
    if user_context is None:
        return WebSocketManager(mode=WebSocketManagerMode.TEST)
    import secrets

    return WebSocketManager(user_context=user_context, _ssot_authorization_token=secrets.token_urlsafe(32))


def get_websocket_manager():
    global _SINGLETON
    if _SINGLETON is None:
        _SINGLETON = WebSocketManager()
    return _SINGLETON
