CHOICES = [
    ('a', 'Alpha'),  # first
    ('b', 'Beta'),
]
