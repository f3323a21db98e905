from pkg.text import whisper


class Formatter:
    from legacy.text import shout

    prefix = "fmt"


def loud(value):
    from legacy.text import shout

    return shout(value)


def soft(value):
    return whisper(value)
