import legacy.text as t
from legacy import text
import legacy.text


def run():
    return t.shout("a") + text.whisper("B") + legacy.text.mumble("C")
