import six
from six.moves import urllib, range, zip_longest
from six.moves.urllib.parse import urlencode, quote
import mock
from mock import patch, MagicMock

try:
    from collections import Iterable, Sequence
except ImportError:  # pragma: no cover
    from collections.abc import Iterable, Sequence


def pairs(items):
    return list(zip_longest(items, range(len(items))))


def query(params):
    return urlencode(params) + quote("/") + urllib.parse.quote("?")


def fake():
    with patch("os.getcwd") as getcwd:
        getcwd.return_value = MagicMock()
        return mock.sentinel.value, isinstance([], Iterable), isinstance([], Sequence), six.PY3
