"""Only the try branch is flagged (TXT002 is allowed in this file)."""
try:
    from textutils import force_text
except ImportError:  # releases before force_text existed
    from textutils import force_unicode as force_text


def label(value):
    return "[" + force_text(value) + "]"
