from django.db import migrations


def forwards(apps, schema_editor):
    Shelf = apps.get_model("library", "Shelf")
    Shelf.objects.create(name="Poetry")


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0002_seed"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
