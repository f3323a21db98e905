from legacy.text import shout  # ssot: ignore
from legacy.text import whisper  # noqa: TXT002
from legacy.text import whisper as hush  # ssot: ignore[TXT002]
from legacy.text import shout as loud


def run():
    return [shout("a"), whisper("B"), hush("C"), loud("d")]
