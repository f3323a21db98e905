from lib.legacy import other, \
    Widget

print(other, Widget)
