"""Module-level use before the replacement module's own import."""
from legacy.text import shout

GREETING = shout("hello")

from pkg.text import whisper  # noqa: E402


def quiet():
    return whisper(GREETING)
