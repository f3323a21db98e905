from legacy.text import shout


def yell(value):
    return "my own yell: " + value


def both(value):
    return shout(value) + " / " + yell(value)
