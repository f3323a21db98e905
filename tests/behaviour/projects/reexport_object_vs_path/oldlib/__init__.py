from .core import fetch_v1  # noqa: F401
