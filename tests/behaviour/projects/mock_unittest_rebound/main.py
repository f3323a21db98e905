import helpers

print(helpers.doubles())
