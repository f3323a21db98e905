"""Routes saved with a byte order mark; unicode before the flagged name."""

from netra_backend.app.websocket_core import get_websocket_manager


def greet(user_id, connection_id, user_context):
    greeting = "héllo 👋"; manager = get_websocket_manager()
    return greeting, manager
