from pkg.chat import Message


def post(user, room):
    return Message(room=room, user=user)
