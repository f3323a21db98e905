"""Module rule, single-name from-import."""
from new.canonical import make

make()
