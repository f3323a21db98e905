from lib.legacy import (
    Widget,
    other,  # stays
    make_thing as mk,
)

print(Widget, other, mk)
