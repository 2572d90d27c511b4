def backwards(apps, schema_editor): pass
