import secrets
from lib.modern import build_thing, Client


def run():
    return build_thing(Client(timeout=1, token=secrets.token_hex(8)))
