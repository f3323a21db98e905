from app import good

print(good.run())
