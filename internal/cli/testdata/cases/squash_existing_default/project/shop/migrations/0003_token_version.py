from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0002_seed")]

    operations = [
        # Tokens that exist are version 1 (as netbox's users.0014 marks them) ...
        migrations.AddField(
            model_name="token",
            name="version",
            field=models.PositiveSmallIntegerField(default=1),
            preserve_default=False,
        ),
        # ... new ones version 2.
        migrations.AlterField(
            model_name="token",
            name="version",
            field=models.PositiveSmallIntegerField(default=2),
        ),
    ]
