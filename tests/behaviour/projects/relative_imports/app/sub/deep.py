from ..old_helpers import fmt


def render(value):
    return "deep" + fmt(value)
