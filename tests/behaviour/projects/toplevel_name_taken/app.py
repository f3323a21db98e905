import legacy.text

pkg = {"name": "a local package record"}


def run():
    return legacy.text.shout("a") + " " + pkg["name"]
