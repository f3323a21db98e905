import app

print(app.FIRST, app.echo("ab"), app.later(), app.SECOND)
