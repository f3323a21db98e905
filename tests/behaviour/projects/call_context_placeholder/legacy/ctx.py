_CURRENT = []


def activate(request):
    _CURRENT.append(request)


def get_user():
    return _CURRENT[-1]["user"]
