from legacy import text


def run():
    return text.old_shout("a") + " " + text.mumble("b")
