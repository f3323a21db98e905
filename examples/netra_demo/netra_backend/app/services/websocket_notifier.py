"""Old home of WebSocketNotifier, kept as a subclass that warns."""

import warnings

from .agent_websocket_bridge import WebSocketNotifier as _Notifier


class WebSocketNotifier(_Notifier):
    def __init__(self, *args, **kwargs):
        warnings.warn("WebSocketNotifier moved to agent_websocket_bridge", DeprecationWarning, stacklevel=2)
        super().__init__(*args, **kwargs)
