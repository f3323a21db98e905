"""Settings module: the default manager is built at import time."""
from legacy.managers import get_manager

DEFAULT = get_manager()

import os  # noqa: E402


def describe():
    return repr(DEFAULT) + " " + os.path.basename("/x/y")
