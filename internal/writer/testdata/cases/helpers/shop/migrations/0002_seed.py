from django.db import migrations

from ..utils import compute

# Names every shop starts with.
NAMES = ["a", "b"]


def label(name):
    return name.upper()


def forwards(apps, schema_editor):
    Item = apps.get_model("shop", "Item")
    for n in NAMES:
        Item.objects.create(name=label(n), score=compute(len(n)))


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
