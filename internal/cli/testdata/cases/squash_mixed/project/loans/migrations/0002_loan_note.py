from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("loans", "0001_initial"),
        ("library", "0006_rename_shelf_rack"),
    ]

    operations = [
        migrations.AddField(
            model_name="loan",
            name="note",
            field=models.TextField(blank=True),
        ),
    ]
