from lib.modern import build_thing as mk

mk()
