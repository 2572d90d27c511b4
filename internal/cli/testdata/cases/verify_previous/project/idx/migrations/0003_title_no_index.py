from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("idx", "0002_seed")]

    operations = [
        migrations.AlterField(
            model_name="book",
            name="title",
            field=models.CharField(default="", max_length=100),
        ),
    ]
