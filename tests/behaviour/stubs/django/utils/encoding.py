"""Stand-in for django.utils.encoding (2.x): force_text is an alias of force_str."""


def force_str(value):
    return value.decode() if isinstance(value, bytes) else str(value)


force_text = force_str
