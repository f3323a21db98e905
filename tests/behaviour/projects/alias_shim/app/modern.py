from pkg.text import slugify


def url(title):
    return "/pages/" + slugify(title)
