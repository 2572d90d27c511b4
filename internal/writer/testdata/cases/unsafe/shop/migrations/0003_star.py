from django.db import migrations
from django.db.migrations.operations.special import *  # noqa


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0002_globals"),
    ]

    operations = [
        migrations.RunPython(RunPython.noop),
    ]
