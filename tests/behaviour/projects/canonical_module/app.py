from shop._models import Cart
from shop._pricing import total


def checkout():
    return total(Cart(3, 4))
