# -*- coding: latin-1 -*-
# Written by hand on Windows: Latin-1, CRLF line ends.
from django.db import migrations, models


def seed(apps, schema_editor):
    Tag = apps.get_model("shop", "Tag")
    Tag.objects.create(name="café")


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Tag",
            fields=[
                ("id", models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=20, help_text="Café name")),
            ],
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
