from django.db import migrations


class Migration(migrations.Migration):
    replaces = [
        ("shop", "0001_step"),
        ("shop", "0002_step"),
        ("shop", "0003_step"),
    ]

    initial = True

    dependencies = []

    operations = []
