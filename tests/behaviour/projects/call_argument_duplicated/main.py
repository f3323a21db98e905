import app

print(app.from_name("n"), app.from_literal(), app.from_call(), app.CALLS)
