from django.db import migrations


def seed(apps, schema_editor):
    apps.get_model("named", "Tag").objects.create()


class Migration(migrations.Migration):
    dependencies = [("named", "0001_initial")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
