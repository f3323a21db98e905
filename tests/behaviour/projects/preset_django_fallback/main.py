import labels

print(labels.label(b"x"), labels.TITLE)
