def f(x):
    if x == 1:
        return 'one'
    elif x==2 :
        return 'two'
    else :
        if x>3:
            return 'many'
    # trailing in body
# dedented
    return None
