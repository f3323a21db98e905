from legacy.chat import post

LOG = []


def pick(kind, value):
    LOG.append(kind)
    return value


def plain(user, room):
    return post(user, room)


def attributes(config):
    return post(config.user, config.room)


def literals():
    return post("ann", room="lobby")


def effects():
    return post(pick("user", "bob"), pick("room", "kitchen"))


def keywords_in_template_order():
    return post(room=pick("room", "den"), user=pick("user", "dee"))
