import django.db.models.deletion
from django.db import migrations, models


def noop(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="Tag",
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
                ("name", models.CharField(max_length=20)),
            ],
        ),
        # Widened after review.
        migrations.AlterField(
            model_name="tag",
            name="name",
            field=models.CharField(max_length=80),
        ),
        migrations.AddField(
            model_name="tag",
            name="slug",
            field=models.SlugField(default="", max_length=80),
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
                ("title", models.CharField(max_length=200)),
                (
                    "shelf",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to="shop.shelf"
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="book",
            name="tags",
            field=models.ManyToManyField(to="shop.tag"),
        ),
        migrations.RunPython(noop, elidable=True),
        migrations.RenameField(
            model_name="book",
            old_name="title",
            new_name="name",
        ),
        migrations.AlterModelOptions(
            name="book",
            options={"ordering": ["name"]},
        ),
        migrations.AddIndex(
            model_name="book",
            index=models.Index(fields=["name"], name="shop_book_name_idx"),
        ),
        migrations.CreateModel(
            name="Scratch",
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
        migrations.DeleteModel(
            name="Scratch",
        ),
    ]
