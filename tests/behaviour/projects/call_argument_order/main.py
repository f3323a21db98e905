import types

import app

config = types.SimpleNamespace(user="cy", room="attic")
print(app.plain("al", "hall"), app.attributes(config), app.literals())
print(app.effects(), app.LOG)
print(app.keywords_in_template_order(), app.LOG)
