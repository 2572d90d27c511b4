a = 1 + \
    2
b = (1 +
# comment inside
     2)


   # odd comment
c = 3  # trailing
