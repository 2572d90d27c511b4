def f(a, b=(1, 2), *, c=None, d:dict={}, **kw):
    x = [ ]
    y = ( )
    z = { }
    w = a[1:-1]
    v = a[i], a[i+1], a[-1], a[:-(n)]
    u = a or b and not c
    t = (yield)
    s = await_ = 3
    r = a if b else(c)
    q = {**kw}
    p2 = [*a]
    o = x.y.z(a)(b)
    n = x[1][2]
    m = 1 if a else 2 if b else 3
    l = a.b.c
    k = x @ y
    j = ~x
    i = x < y <= z != w
    h = x is not None and y not in z
    g = (a, b)
    e = a, b
    f2 = lambda: 0
    d2 = lambda *a, **k: (a, k)
    c2 = "%s-%s" % (a, b)
    b2 = f"{a!r:>10}"
    a2 = x if x is not None else y
    return a, b
