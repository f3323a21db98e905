import helpers

print(helpers.double())
