# Written by djsquash before the fixes of issue 16 (deferred SQL, preserve_default):
# kept so that verify has defects to find.
from django.db import migrations, models


class Migration(migrations.Migration):
    replaces = [("shop", "0001_initial"), ("shop", "0002_item_code")]

    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Item",
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
                ("code", models.CharField(default="?", max_length=10)),
            ],
        ),
    ]
