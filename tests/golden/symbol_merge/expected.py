from lib.modern import (
    Gadget,
    Widget,
)

print(Gadget, Widget)
