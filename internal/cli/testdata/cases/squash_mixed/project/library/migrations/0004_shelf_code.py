from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0003_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="shelf",
            name="code",
            field=models.CharField(default="", max_length=10),
        ),
    ]
