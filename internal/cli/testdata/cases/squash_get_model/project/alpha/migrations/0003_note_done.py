from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("alpha", "0002_notes_from_authors"),
    ]

    operations = [
        migrations.AddField(
            model_name="note",
            name="done",
            field=models.BooleanField(default=False),
        ),
    ]
