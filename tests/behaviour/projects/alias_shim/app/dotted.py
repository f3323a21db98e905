import legacy.utils


def url(title):
    return "/tags/" + legacy.utils.make_slug(title)
