"""Stand-in for the mock backport: the same objects as unittest.mock."""
from unittest.mock import *  # noqa: F401,F403
from unittest.mock import MagicMock, Mock, call, patch, sentinel  # noqa: F401
