def f(apps, schema_editor):

    x = 1


    def g():
        pass
    y = 2
    # c1
    def h(): return 1
    if x:

        pass
    else: y=3



    return x**2 + -y ** f(x) + a.b**2
