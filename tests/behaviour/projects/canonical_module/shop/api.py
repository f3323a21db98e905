from shop._models import Cart
from shop._pricing import total

__all__ = ["Cart", "total"]
