class OldModel:
    pass


def make_model(name):
    return "Model(%r)" % name
