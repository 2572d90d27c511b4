def f():
    total = first_value + \
        second_value
    return total
