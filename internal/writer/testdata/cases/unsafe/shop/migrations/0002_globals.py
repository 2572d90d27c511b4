import sys

from django.db import migrations

COUNT = 0

if sys.version_info >= (3,):
    PREFIX = "py3"
else:
    PREFIX = "py2"


def counting(apps, schema_editor):
    global COUNT
    COUNT += 1


def prefixed(apps, schema_editor):
    print(PREFIX)


def own(apps, schema_editor):
    print(__name__)


def fine(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(counting),
        migrations.RunPython(prefixed),
        migrations.RunPython(own),
        migrations.RunPython(fine),
    ]
