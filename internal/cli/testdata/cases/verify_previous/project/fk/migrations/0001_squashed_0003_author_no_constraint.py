# Written by djsquash before the fixes of issue 16 (deferred SQL, preserve_default):
# kept so that verify has defects to find.
import django.db.models.deletion
from django.db import migrations, models


def seed(apps, schema_editor):
    apps.get_model("fk", "Book").objects.create()


class Migration(migrations.Migration):
    replaces = [
        ("fk", "0001_initial"),
        ("fk", "0002_seed"),
        ("fk", "0003_author_no_constraint"),
    ]

    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Author",
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
            ],
        ),
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
                (
                    "author",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        to="fk.author",
                    ),
                ),
            ],
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="book",
            name="author",
            field=models.ForeignKey(
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                to="fk.author",
            ),
        ),
    ]
