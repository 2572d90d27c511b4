from django.db import migrations


def seed(apps, schema_editor):
    apps.get_model("together", "Pair").objects.create()


class Migration(migrations.Migration):
    dependencies = [("together", "0001_initial")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
