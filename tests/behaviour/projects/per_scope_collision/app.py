from legacy.managers import get_manager


def report():
    Manager = "a local string that shares the template's name"
    return Manager.upper()


def build():
    return get_manager()
