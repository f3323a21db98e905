from lib.legacy import make_thing as mk

mk()
