from lib.modern import (
    Gadget,
)
from lib.legacy import Widget

print(Gadget, Widget)
