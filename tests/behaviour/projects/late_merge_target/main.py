import app

print(app.GREETING, app.quiet())
