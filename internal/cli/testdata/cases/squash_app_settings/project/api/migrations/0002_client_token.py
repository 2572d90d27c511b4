import django.db.models.deletion
from django.db import migrations, models

from tokens.conf import token_settings


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(token_settings.TOKEN_MODEL),
        ("api", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="client",
            name="token",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, to=token_settings.TOKEN_MODEL),
        ),
    ]
