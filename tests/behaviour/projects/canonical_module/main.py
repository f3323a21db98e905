import app

print(app.checkout())
