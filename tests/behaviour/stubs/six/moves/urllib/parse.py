from urllib.parse import *  # noqa: F401,F403
from urllib.parse import quote, urlencode  # noqa: F401
