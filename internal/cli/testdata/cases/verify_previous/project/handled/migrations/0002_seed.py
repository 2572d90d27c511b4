from django.db import migrations


def seed(apps, schema_editor):
    apps.get_model("handled", "Note").objects.create()


class Migration(migrations.Migration):
    dependencies = [("handled", "0001_initial")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
