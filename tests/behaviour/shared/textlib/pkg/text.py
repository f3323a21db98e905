def shout(value):
    return value.upper() + "!"


def yell(value):
    return value.upper() + "!"


def whisper(value):
    return value.lower() + "..."


def mumble(value):
    return "m" + value.lower()


def slugify(value):
    return "-".join(value.lower().split())
