import app

print(app.describe())
