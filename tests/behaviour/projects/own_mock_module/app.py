import mock

from legacy.text import shout


def run():
    return mock.Mock(5)(), shout("hi")
