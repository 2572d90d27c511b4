# Written by djsquash before the fixes of issue 16 (deferred SQL, preserve_default):
# kept so that verify has defects to find.
from django.db import migrations, models


def seed(apps, schema_editor):
    apps.get_model("idx", "Book").objects.create()


class Migration(migrations.Migration):
    replaces = [
        ("idx", "0001_initial"),
        ("idx", "0002_seed"),
        ("idx", "0003_title_no_index"),
    ]

    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Book",
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
                ("title", models.CharField(db_index=True, default="", max_length=100)),
            ],
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="book",
            name="title",
            field=models.CharField(default="", max_length=100),
        ),
    ]
