from django.db import migrations


def seed(apps, schema_editor):
    category = apps.get_model("shop", "Category").objects.create(name="books")
    apps.get_model("shop", "Product").objects.create(
        title="Dune", price=10, category=category
    )
    apps.get_model("shop", "Legacy").objects.create(code="x")


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
