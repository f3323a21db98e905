from lib.legacy import get_manager


def handler(user_id):
    return get_manager()


def background():
    return get_manager()  # no user_id here: left for a person
