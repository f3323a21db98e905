"""Module rule, single-name from-import."""
from old.factory import make

make()
