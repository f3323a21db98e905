import app

print(ascii(app.LOUD), ascii(app.greet()))
