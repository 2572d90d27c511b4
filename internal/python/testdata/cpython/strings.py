# String literals: every prefix, escapes, concatenation, triple quotes.
a = 'single' "double" '''triple single''' """triple double"""
b = r'raw \n' R"RAW \d" u'unicode' U"UNICODE"
c = b'bytes \x00\xff\n' B"BYTES" br'\raw' Rb"\d" bR'x' RB"y" rb'z'
d = "escapes: \\ \' \" \a \b \f \n \r \t \v \101 \x41 \u00e9 \U0001F600 \N{EM DASH} \q"
e = ("implicit "
     'concatenation '
     """across lines""")
f = """multi
line with "quotes" and 'quotes' and \
continuation"""
g = f"plain {a} and {b!r} and {c:>10} and {d!s:{e}} {{braces}}"
h = f'{a["key"]}' F"{b + 1:08.3f}" rf"raw {c}\n" fR"{d}" Rf'{e}'
i = f"{a if b else c}" f"{lambda_ for lambda_ in x}" f"{x!a}"
j = f"""triple {
    a
} f-string"""
k = f"{x=}" f"{x = }" f"{x=!r:>10}"
l = f"nested {f'{x}'} string"
m = "\N{LATIN SMALL LETTER E WITH ACUTE}" "tab\there"
n = ''
o = b''
p = f''
q = "a" f"b{c}" "d"
