from lib.modern import create_manager

def run(user_id):
    from lib.modern import Widget
    return Widget(), create_manager(user_id=user_id)
