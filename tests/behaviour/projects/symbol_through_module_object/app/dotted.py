import legacy.text


def loud():
    return legacy.text.old_shout("c")


def soft():
    return legacy.text.whisper("D")
