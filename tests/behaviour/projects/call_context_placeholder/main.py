import app

print(app.view({"user": "ann"}), app.background())
