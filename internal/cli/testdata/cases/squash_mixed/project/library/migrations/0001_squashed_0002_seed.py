from django.db import migrations, models

SHELVES = ["fiction", "history"]


def title(name):
    return name.title()


def forwards(apps, schema_editor):
    Shelf = apps.get_model("library", "Shelf")
    for name in SHELVES:
        Shelf.objects.create(name=title(name))


class Migration(migrations.Migration):
    replaces = [("library", "0001_initial"), ("library", "0002_seed")]

    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Shelf",
            fields=[
                (
                    "id",
                    models.AutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("name", models.CharField(max_length=50)),
            ],
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
