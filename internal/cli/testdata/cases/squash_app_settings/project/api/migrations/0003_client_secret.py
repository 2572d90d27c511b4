from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("api", "0002_client_token")]

    operations = [
        migrations.AddField(
            model_name="client",
            name="secret",
            field=models.CharField(default="", max_length=50),
        ),
    ]
