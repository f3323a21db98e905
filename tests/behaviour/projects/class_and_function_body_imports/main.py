import app

print(app.Formatter.shout("a"), app.loud("b"), app.soft("C"), app.Formatter.prefix)
