class Message:
    def __init__(self, room, user):
        self.room, self.user = room, user

    def __repr__(self):
        return "Message(%s@%s)" % (self.user, self.room)
