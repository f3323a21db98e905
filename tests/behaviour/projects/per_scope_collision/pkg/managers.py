class Manager:
    def __repr__(self):
        return "Manager()"
