from app import views
from app.sub import deep

print(views.render(1), deep.render(2))
