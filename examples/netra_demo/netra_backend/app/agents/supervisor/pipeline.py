"""Agent pipeline: imports in try blocks and functions, dynamic imports."""

import importlib

try:
    from netra_backend.app.agents.supervisor.execution_engine import ExecutionEngine
except ImportError:  # pragma: no cover
    ExecutionEngine = None

from netra_backend.app.agents.supervisor import execution_engine as engines


def build_engine(registry, bridge, user_context):
    from netra_backend.app.websocket_core import create_websocket_manager

    manager = create_websocket_manager(user_context=user_context)
    engine = engines.ExecutionEngine(registry, bridge, user_context)
    return manager, engine, ExecutionEngine


def load_factory():
    return importlib.import_module("netra_backend.app.websocket_core.factory")


def load_factory_again():
    return __import__("netra_backend.app.websocket_core.factory")
