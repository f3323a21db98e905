"""The old text helpers, kept while callers migrate to pkg.text."""


def shout(value):
    return value.upper() + "!"


def old_shout(value):
    return value.upper() + "!"


def whisper(value):
    return value.lower() + "..."


def mumble(value):
    return "m" + value.lower()
