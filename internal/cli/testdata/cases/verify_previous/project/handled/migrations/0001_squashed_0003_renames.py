# Written by djsquash before the fixes of issue 16 (deferred SQL, preserve_default):
# kept so that verify has defects to find.
import django.db.models.deletion
from django.db import migrations, models


def seed(apps, schema_editor):
    apps.get_model("handled", "Note").objects.create()


class Migration(migrations.Migration):
    replaces = [
        ("handled", "0001_initial"),
        ("handled", "0002_seed"),
        ("handled", "0003_renames"),
    ]

    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Owner",
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
            name="Note",
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
                ("slug", models.SlugField(default="")),
                (
                    "owner",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        to="handled.owner",
                    ),
                ),
                ("extra", models.IntegerField(db_index=True, default=0)),
            ],
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RenameField(
            model_name="note",
            old_name="slug",
            new_name="key",
        ),
        migrations.RemoveField(
            model_name="note",
            name="extra",
        ),
        migrations.RenameModel(
            old_name="Note",
            new_name="Memo",
        ),
    ]
