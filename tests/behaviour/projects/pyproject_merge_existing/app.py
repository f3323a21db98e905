from pkg.text import whisper
from legacy.text import shout
from legacy.text import mumble as m


def run():
    return [whisper("A"), shout("b"), m("C")]
