from six.moves import configparser
from six.moves.urllib.parse import urlencode
from six.moves import reduce
from six.moves import range

try:
    from testing_extras import mock
except ImportError:
    import mock


def run():
    parser = configparser.ConfigParser()
    parser.read_string("[a]\nb = 1\n")
    total = reduce(lambda x, y: x + y, range(4))
    return [parser.get("a", "b"), urlencode({"q": "x y"}), total, mock.sentinel.name is mock.sentinel.name]
