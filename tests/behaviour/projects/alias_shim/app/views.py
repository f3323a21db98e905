from legacy.utils import make_slug


def url(title):
    return "/posts/" + make_slug(title)
