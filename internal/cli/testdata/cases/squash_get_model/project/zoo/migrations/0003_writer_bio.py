from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("zoo", "0002_rename_author_writer"),
    ]

    operations = [
        migrations.AddField(
            model_name="writer",
            name="bio",
            field=models.TextField(default=""),
        ),
    ]
