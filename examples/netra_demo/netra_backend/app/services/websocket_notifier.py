"""Old home of WebSocketNotifier, kept as an alias."""

from .agent_websocket_bridge import WebSocketNotifier as _Notifier


class WebSocketNotifier(_Notifier):
    pass
