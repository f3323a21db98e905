import corp.old.fmt


def price(value):
    return corp.old.fmt.money(value) + " v" + corp.VERSION
