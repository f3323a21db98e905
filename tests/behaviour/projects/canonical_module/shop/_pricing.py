from shop._models import Cart


def total(cart: Cart):
    return sum(cart.prices)
