from lib.modern import build_thing as make_thing


def build_thing():
    return make_thing()
