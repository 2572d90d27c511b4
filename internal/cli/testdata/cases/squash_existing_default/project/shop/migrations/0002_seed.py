from django.db import migrations


def seed(apps, schema_editor):
    apps.get_model("shop", "Token").objects.create(name="old")


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
