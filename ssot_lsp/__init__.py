"""ssot-lsp: make a single-source-of-truth import registry executable.

The engine (`check`, `analyze`) is a pure function of text and config; the CLI and the
language server are drivers on top of it.
"""

from .engine import analyze, check

__all__ = ["analyze", "check"]
