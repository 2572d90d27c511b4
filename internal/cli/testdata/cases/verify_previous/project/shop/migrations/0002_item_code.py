from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]

    # What makemigrations writes when asked for a one-off default for the
    # existing rows of a new non-null field.
    operations = [
        migrations.AddField(
            model_name="item",
            name="code",
            field=models.CharField(default="?", max_length=10),
            preserve_default=False,
        ),
    ]
