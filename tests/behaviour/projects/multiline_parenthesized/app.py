from legacy.text import (
    shout,
    whisper as quiet,  # the short name reads better here
    mumble,
)


def run():
    return [shout("a"), quiet("B"), mumble("C")]
