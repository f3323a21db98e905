from lib.modern import build_thing


def build():
    return build_thing(1), build_thing
