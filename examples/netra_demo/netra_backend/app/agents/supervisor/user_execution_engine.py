"""Per-user execution engine: each request gets its own."""


class UserExecutionEngine:
    def __init__(self, registry=None, websocket_bridge=None, user_context=None):
        self.registry = registry
        self.websocket_bridge = websocket_bridge
        self.user_context = user_context

    async def execute_agent(self, context, state):
        return (context, state)
