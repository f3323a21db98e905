from lib.legacy import make_thing
from lib.legacy import create_client


def run():
    return make_thing(create_client(1))
