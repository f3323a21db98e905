"""The agent-to-WebSocket bridge and its notifier."""


class WebSocketNotifier:
    def __init__(self, emitter=None, exec_context=None):
        self.emitter = emitter
        self.exec_context = exec_context

    @classmethod
    def create_for_user(cls, emitter, exec_context):
        return cls(emitter, exec_context)
