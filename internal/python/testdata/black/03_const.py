DEFAULTS = ['news', 'sport',
    'weather']
