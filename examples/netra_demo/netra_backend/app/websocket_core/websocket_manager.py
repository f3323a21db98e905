"""The one WebSocket manager implementation."""

import enum


class WebSocketManagerMode(enum.Enum):
    PRODUCTION = "production"
    TEST = "test"


class WebSocketManager:
    def __init__(self, user_context=None, mode=WebSocketManagerMode.PRODUCTION, _ssot_authorization_token=None):
        self.user_context = user_context
        self.mode = mode
        self._token = _ssot_authorization_token

    async def send_to_user(self, user_id, message):
        return (user_id, message)
