import app

print(app.price(3))
