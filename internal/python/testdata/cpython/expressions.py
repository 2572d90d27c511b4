x = a or b and not c
y = a < b <= c == d != e > f >= g in h not in i is j is not k
z = a | b ^ c & d << e >> f + g - h * i / j // k % l @ m ** -n ** ~o
w = +a, -b, ~c, not d
v = a if b else c if d else e
u = lambda x, y=1, *a, z, **k: x + y
t = lambda *, k: k
s = lambda x, /, y: (x, y)
r = [i for i in range(10) if i % 2 if i > 2 for j in range(i)]
q = {k: v for k, v in items}
p = {x for x in xs}
o = (x for x in xs)
n = f(x for x in xs)
m = g(a, *args, key=1, **kwargs)
l = obj.attr.method()[0][1:2][::3][a:b:c][:, 1][..., None]
k = [*a, *b]
j = {**a, 'k': 1, **b}
i = (*a, *b)
h = {1, 2, 3,}
g = (1,)
f = ()
e = []
d = {}
c = (((a)))
b = (a).b
def a(): return (yield)
aa = 1_000_000 + 0x_FF + 0o17 + 0b1010 + 1.5e-3 + 3j + .5 + 1. + 1e10
bb = [
    1,
    2,  # comment
]
cc = x[1:2, 3]
dd = x[1,]
ee = await_ = 1
ff = a.b.c.d(e)(f)[g]
gg = (a
      + b)
hh = [
    (lambda: (yield))
]
ii = not not x
jj = -(-x)
kk = a if (b := c) else d
