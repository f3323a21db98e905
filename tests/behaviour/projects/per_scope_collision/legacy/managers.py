from pkg.managers import Manager


def get_manager():
    return Manager()
