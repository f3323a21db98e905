from new.canonical import make, Mode as M, helper

print(make, M, helper)
