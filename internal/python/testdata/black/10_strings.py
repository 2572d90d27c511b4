def f():
    a = u'unicode'
    b = 'it\'s'
    c = "say \"hi\""
    d = r'\d+'
    e = f'{a}-{b}'
    g = 0XFF + 1E5 + .5
    h = not(a)
    i = a if(b) else c
    j = x[a+1:], x[::2], x[fn(x) : fn(y)]
    k = -a**2
    print(*args, **kwargs)
    del a, b
    global q
    t = a,
    return (b)
