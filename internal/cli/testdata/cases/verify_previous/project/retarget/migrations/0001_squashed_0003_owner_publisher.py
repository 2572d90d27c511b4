# Written by djsquash before the fixes of issue 16 (deferred SQL, preserve_default):
# kept so that verify has defects to find.
import django.db.models.deletion
from django.db import migrations, models


def seed(apps, schema_editor):
    apps.get_model("retarget", "Book").objects.create()


class Migration(migrations.Migration):
    replaces = [
        ("retarget", "0001_initial"),
        ("retarget", "0002_seed"),
        ("retarget", "0003_owner_publisher"),
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
            name="Publisher",
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
                    "owner",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        to="retarget.author",
                    ),
                ),
            ],
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="book",
            name="owner",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                to="retarget.publisher",
            ),
        ),
    ]
