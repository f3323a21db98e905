from .core import fetch_v2  # noqa: F401
from .helpers import parse  # noqa: F401
