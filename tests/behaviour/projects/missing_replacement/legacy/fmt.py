def money(value):
    return "$%d" % value
