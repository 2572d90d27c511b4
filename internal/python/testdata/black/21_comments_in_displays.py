CHOICES = [
    ('a', 'Alpha'),  # first
    # a comment line
    ('b', 'Beta')  # no comma
    # closing
]
D = {  # open
    'k': 1,  # one
    **extra,
}
operations = [
    # nothing left to do
]
ONE = [
    # the only one
    migrations.RunPython(forwards)
]
