from lib.legacy import other
from lib.modern import Widget

print(other, Widget)
