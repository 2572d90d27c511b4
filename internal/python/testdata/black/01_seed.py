def forwards(apps, schema_editor):
    Tag = apps.get_model('shop', 'Tag')
    for n in DEFAULTS:
        # one per default
        Tag.objects.create(name = n,
                           slug=n.upper())
    x = {'k':1,
      'j':2}
    if x['k']==1 and len(DEFAULTS)>2: print( 'seeded' )
