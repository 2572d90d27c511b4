noop = lambda apps, schema_editor: None
