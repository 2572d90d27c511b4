from django.db import migrations, models


def seed(apps, schema_editor):
    apps.get_model("alpha", "Thing").objects.create(name="first")


class Migration(migrations.Migration):
    dependencies = [("alpha", "0001_initial"), ("zulu", "0001_initial")]

    operations = [
        migrations.AddField(model_name="thing", name="size", field=models.IntegerField(default=0)),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
