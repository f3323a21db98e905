from lib.legacy import make_thing


def build_thing():
    return make_thing()
