class Cart:
    def __init__(self, *prices):
        self.prices = list(prices)
