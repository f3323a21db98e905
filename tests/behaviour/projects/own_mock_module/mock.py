"""The project's own test doubles (not the mock backport)."""


class Mock:
    def __init__(self, value):
        self.value = value

    def __call__(self):
        return "own mock " + str(self.value)
