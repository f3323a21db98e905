import app

print(app.both("hey"))
