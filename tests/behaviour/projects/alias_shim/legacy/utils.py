"""Compatibility shim: the old name of pkg.text.slugify."""
from pkg.text import slugify as make_slug  # noqa: F401
