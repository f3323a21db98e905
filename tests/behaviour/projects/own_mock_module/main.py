import app

print(app.run())
