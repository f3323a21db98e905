import app

print(app.build("a"), app.old(None))
