import sys

PY2 = sys.version_info[0] == 2

if PY2:
    from legacy.py2compat import text_type
else:
    from legacy.compat import text_type


def describe(value):
    return text_type(value) + " (" + type(value).__name__ + ")"
