a, *b = c
[d, *e] = f
for g, *h in i:
    pass
