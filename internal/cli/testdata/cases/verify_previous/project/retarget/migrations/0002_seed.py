from django.db import migrations


def seed(apps, schema_editor):
    apps.get_model("retarget", "Book").objects.create()


class Migration(migrations.Migration):
    dependencies = [("retarget", "0001_initial")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
