"""Deprecated shared execution engine."""

import warnings


class ExecutionEngine:
    def __init__(self, registry=None, websocket_bridge=None, user_context=None):
        warnings.warn(
            "ExecutionEngine shares state between users; use "
            "netra_backend.app.agents.supervisor.user_execution_engine.UserExecutionEngine",
            DeprecationWarning,
            stacklevel=2,
        )
        self.registry = registry
        self.websocket_bridge = websocket_bridge
        self.user_context = user_context

    async def execute_agent(self, context, state):
        return (context, state)
