"""Deprecated shared execution engine."""


class ExecutionEngine:
    def __init__(self, registry=None, websocket_bridge=None, user_context=None):
        self.registry = registry
        self.websocket_bridge = websocket_bridge
        self.user_context = user_context

    async def execute_agent(self, context, state):
        return (context, state)
