from facade import *  # noqa: F401,F403


def run():
    return banner("x"), old_shout("y")  # noqa: F405
