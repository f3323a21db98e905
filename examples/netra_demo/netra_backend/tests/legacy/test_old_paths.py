"""Legacy tests may import the manager from its defining module (canonical-allow)."""

from netra_backend.app.websocket_core.websocket_manager import WebSocketManager


def test_manager_defaults():
    assert WebSocketManager().user_context is None
