from old.factory import make  # the factory, for now
from lib.legacy import Widget  # noqa: F401

make(Widget)
