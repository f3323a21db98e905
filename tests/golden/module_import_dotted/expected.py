import os
import new.canonical


def run():
    return new.canonical.make(os.sep), new.canonical.Mode.TEST
