from django.db import migrations


def seed(apps, schema_editor):
    apps.get_model("idx", "Book").objects.create()


class Migration(migrations.Migration):
    dependencies = [("idx", "0001_initial")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
