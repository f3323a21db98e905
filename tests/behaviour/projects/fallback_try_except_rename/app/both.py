"""Both branches are flagged; each is fixed in its own block."""
try:
    from textutils import force_text
except ImportError:
    from textutils import force_unicode as force_text


def label(value):
    return "<" + force_text(value) + ">"
