def force_str(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def force_text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def force_unicode(value):
    return value.decode() if isinstance(value, bytes) else str(value)
