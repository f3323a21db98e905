from lib.legacy import make_thing


def build():
    return make_thing(1), make_thing
