"""Stand-in for six: the Python 3 side of its API."""
from . import moves  # noqa: F401

PY2 = False
PY3 = True
text_type = str
