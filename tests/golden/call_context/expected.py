from lib.legacy import get_manager
from lib.modern import create_manager


def handler(user_id):
    return create_manager(user_id=user_id)


def background():
    return get_manager()  # no user_id here: left for a person
