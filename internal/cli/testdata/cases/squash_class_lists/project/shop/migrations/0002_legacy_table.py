from django.db import migrations


class Migration(migrations.Migration):
    # The table was renamed by hand on every server: only the state moves.
    state_operations = [
        migrations.AlterModelTable(name="item", table="shop_legacy_item"),
    ]
    database_operations = [
        migrations.RunSQL(
            'ALTER TABLE shop_item RENAME TO shop_legacy_item',
            'ALTER TABLE shop_legacy_item RENAME TO shop_item',
        ),
    ]

    dependencies = [("shop", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=database_operations,
            state_operations=state_operations,
        ),
    ]
