from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0001_initial"),
        ("shop", "0009_gone"),
    ]

    operations = []
