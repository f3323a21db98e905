from legacy.text import shout


def run():
    return shout("c")
