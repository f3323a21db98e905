from app import plain, star

print(star.run(), plain.run())
