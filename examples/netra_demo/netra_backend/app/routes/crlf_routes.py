"""Routes saved with Windows line endings."""

from netra_backend.app.agents.supervisor.execution_engine import ExecutionEngine
from netra_backend.app.websocket_core.factory import WebSocketManager


def make_engine(registry):
    return ExecutionEngine(registry), WebSocketManager
