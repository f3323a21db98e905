from legacy.pairs import twin

CALLS = []


def token(value):
    CALLS.append(value)
    return value


def from_name(name):
    return twin(name)


def from_literal():
    return twin(7)


def from_call():
    return twin(token("t"))
