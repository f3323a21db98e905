from . import parse  # noqa: F401
