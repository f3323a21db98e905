from lib.modern import build_thing


def run():
    return build_thing(2)
