from new.canonical import make  # the factory, for now
from lib.modern import Widget  # noqa: F401

make(Widget)
