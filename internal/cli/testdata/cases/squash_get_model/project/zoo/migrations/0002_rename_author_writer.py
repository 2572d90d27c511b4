from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("zoo", "0001_initial"),
    ]

    operations = [
        migrations.RenameModel(
            old_name="Author",
            new_name="Writer",
        ),
    ]
