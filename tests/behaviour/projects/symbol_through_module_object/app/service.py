from legacy import text as texts


class Service:
    def __init__(self):
        self.banner = texts.old_shout("svc")
