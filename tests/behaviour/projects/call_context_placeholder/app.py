from legacy.ctx import activate, get_user


def view(request):
    activate(request)
    return "hello " + get_user()


def background():
    return "still " + get_user()
