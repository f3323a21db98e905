from newlib.helpers import parse  # noqa: F401
