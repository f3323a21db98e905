try:
    import json
except ImportError:  # pragma: no cover
    json = None
else:
    from legacy.text import shout
finally:
    LOADED = True

HEADLINE = shout("news")

from pkg.text import whisper  # noqa: E402


def run():
    return [HEADLINE, whisper("X"), json is not None, LOADED]
