from app import dotted, modern, views

print(views.url("Hello World"), dotted.url("Big News"), modern.url("About Us"))
