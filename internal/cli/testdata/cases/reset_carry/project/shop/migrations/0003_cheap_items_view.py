from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("shop", "0002_item_price")]

    operations = [
        migrations.RunSQL(
            "CREATE VIEW shop_cheap_items AS SELECT id, name FROM shop_item WHERE price < 10",
            "DROP VIEW shop_cheap_items",
        ),
    ]
