def money(value):
    return "$%.2f" % value
