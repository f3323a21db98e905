import app

print(app.describe(1), app.describe(2.5))
