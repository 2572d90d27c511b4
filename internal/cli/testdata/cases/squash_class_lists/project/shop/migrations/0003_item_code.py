from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0002_legacy_table")]

    operations = [
        migrations.AddField(model_name="item", name="code", field=models.CharField(default="", max_length=10)),
    ]
