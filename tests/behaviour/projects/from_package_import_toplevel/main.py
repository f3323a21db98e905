import settings

print(settings.load())
