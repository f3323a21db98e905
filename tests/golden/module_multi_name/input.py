from old.factory import make, Mode as M, helper

print(make, M, helper)
