import app

print(app.report(), app.build())
