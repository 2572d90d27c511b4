from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("together", "0002_seed")]

    operations = [
        migrations.AlterUniqueTogether(
            name="pair",
            unique_together=set(),
        ),
    ]
