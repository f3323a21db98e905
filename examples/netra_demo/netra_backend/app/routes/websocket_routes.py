"""WebSocket routes, written before the SSOT migration."""

import netra_backend.app.websocket_core.factory
import netra_backend.app.websocket_core.factory as ws_factory
from netra_backend.app.websocket_core import get_websocket_manager
from netra_backend.app.websocket_core.websocket_manager import WebSocketManager


async def websocket_endpoint(user_id, connection_id, user_context):
    manager = get_websocket_manager()
    await manager.send_to_user(user_id, {"type": "connected"})
    return manager


def test_manager():
    return ws_factory.create_websocket_manager()


def typed_manager() -> WebSocketManager:
    return netra_backend.app.websocket_core.factory.WebSocketManager()


def background_manager():
    return get_websocket_manager()  # no user here: needs a manual fix
