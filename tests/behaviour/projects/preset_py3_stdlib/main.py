import compat

print(compat.run())
