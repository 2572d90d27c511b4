from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0005_tidy"),
        ("loans", "0001_initial"),
    ]

    operations = [
        migrations.RenameModel(
            old_name="Shelf",
            new_name="Rack",
        ),
    ]
