for x in y:
    while z:
        break
    continue
