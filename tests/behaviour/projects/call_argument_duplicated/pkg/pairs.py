def pair(left, right):
    return (left, right)
