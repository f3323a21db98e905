from legacy.text import shout

FIRST = shout("first")


def echo(shout):
    return shout * 2


def later():
    return shout("later")


def shout(value):  # noqa: F811 - the module's own version from here on
    return "local:" + value


SECOND = shout("second")
