"""Admin routes: several old import shapes in one place."""

import os, netra_backend.app.websocket_core.factory as wsf
from netra_backend.app.websocket_core.factory import \
    WebSocketManagerMode
import json; from netra_backend.app.services.websocket_notifier import WebSocketNotifier
from netra_backend.app.websocket_core import (
    create_websocket_manager as make_manager,
    get_websocket_manager,
)
from netra_backend.app.websocket_core.factory import *  # noqa: F403


def admin_manager(user_context):
    return make_manager(user_context)


def admin_test_manager():
    return make_manager()


def admin_status():
    return os.getcwd(), json.dumps({}), wsf.WebSocketManager, WebSocketManagerMode.TEST, WebSocketNotifier


def admin_broadcast(user_id, connection_id, user_context):
    return get_websocket_manager()
