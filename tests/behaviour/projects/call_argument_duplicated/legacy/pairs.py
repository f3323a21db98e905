def twin(value):
    return (value, value)
