from django.db import migrations, models


def seed(apps, schema_editor):
    Author = apps.get_model("zoo", "Author")
    for name in ["Ada", "Grace"]:
        Author.objects.create(name=name)


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Author",
            fields=[
                ("id", models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=100)),
            ],
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
