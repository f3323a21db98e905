"""ssot-lsp: make a single-source-of-truth import registry executable.

The engine (`check`, `analyze`) is a pure function of text and config; the CLI and the
language server are drivers on top of it. The engine is imported when one of them is
first used, so that a driver decides what its start-up imports (the language server
pauses the collector first; see `lsp/startup.py`).
"""

from typing import Any

__all__ = ["analyze", "check"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import engine

        return getattr(engine, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
