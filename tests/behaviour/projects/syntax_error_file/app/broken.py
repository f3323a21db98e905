from legacy.text import shout


def unfinished(value:
    return shout(value)
