from http.client import *  # noqa: F401,F403
from http.client import NOT_FOUND, OK  # noqa: F401
