from functools import reduce  # noqa: F401

from . import configparser, http_client, urllib  # noqa: F401

range = range
