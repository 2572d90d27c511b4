from django.db import migrations

SHELVES = ["fiction", "history"]


def title(name):
    return name.title()


def forwards(apps, schema_editor):
    Shelf = apps.get_model("library", "Shelf")
    for name in SHELVES:
        Shelf.objects.create(name=title(name))


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
