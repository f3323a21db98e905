"""Per-user managers: no state is shared between users."""

from .websocket_manager import WebSocketManager


class IsolatedWebSocketManager(WebSocketManager):
    def __init__(self, user_id, connection_id, isolation_context):
        super().__init__(user_context=isolation_context)
        self.user_id = user_id
        self.connection_id = connection_id


def create_isolated_manager(user_id, connection_id, user_context):
    return IsolatedWebSocketManager(user_id=user_id, connection_id=connection_id, isolation_context=user_context)
