def run(user_id):
    from lib.legacy import Widget, get_manager
    return Widget(), get_manager()
