"""Public API of the project; names listed in __all__ are re-exported."""
from legacy.text import old_shout

__all__ = ["old_shout", "banner"]


def banner(value):
    return "** " + old_shout(value) + " **"
