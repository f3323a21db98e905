from legacy.text import shout
from legacy.text import whisper
from legacy.text import mumble
import legacy.fmt


def run():
    return [shout("a"), whisper("B"), mumble("C"), legacy.fmt.money(4)]
