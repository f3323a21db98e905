from .old_helpers import fmt
from . import old_helpers


def render(value):
    return fmt(value) + "|" + old_helpers.fmt(value)
