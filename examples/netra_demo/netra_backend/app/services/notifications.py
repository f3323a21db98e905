"""Notifications: already migrated, imports only from the canonical module."""

from netra_backend.app.services.agent_websocket_bridge import WebSocketNotifier
from netra_backend.app.websocket_core.canonical_imports import (
    WebSocketManagerMode,
    create_isolated_manager,
)


async def notify(user_id, connection_id, user_context, message):
    manager = create_isolated_manager(user_id=user_id, connection_id=connection_id, user_context=user_context)
    notifier = WebSocketNotifier.create_for_user(manager, user_context)
    await manager.send_to_user(user_id, message)
    return notifier, WebSocketManagerMode.PRODUCTION
