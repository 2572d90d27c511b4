def forwards_func(apps, schema_editor):
    Country = apps.get_model('myapp', 'Country')
    db_alias = schema_editor.connection.alias
    Country.objects.using(db_alias).bulk_create([
        Country(name='USA', code='us'),
        Country(name='France', code='fr'),
    ])
    Country.objects.using(db_alias).filter(name='USA', code='us', something_else='a long value here').delete()
    names = [c.name for c in Country.objects.all() if c.code != 'xx']
    lookup = {c.code: c for c in Country.objects.all()}
    assert len(names)>0, 'no countries'
    return names, lookup
