from lib.legacy import (
    other,  # stays
)
from lib.modern import Widget, build_thing as mk

print(Widget, other, mk)
