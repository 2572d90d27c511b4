def f(apps, schema_editor):
    schema_editor.execute('''
        UPDATE catalog_book SET slug = lower(title)
    ''')
    sql = """SELECT 1"""
    return sql
