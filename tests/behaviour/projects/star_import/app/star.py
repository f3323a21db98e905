from legacy.text import *  # noqa: F403


def run():
    return shout("a") + whisper("B")  # noqa: F405
