from .factory import make  # relative: becomes absolute
from . import factory

make(factory)
