from lib import legacy


def run():
    return legacy.make_thing(2)
