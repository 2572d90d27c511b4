from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("handled", "0002_seed")]

    operations = [
        migrations.RenameField(
            model_name="note",
            old_name="slug",
            new_name="key",
        ),
        migrations.RemoveField(
            model_name="note",
            name="extra",
        ),
        migrations.RenameModel(
            old_name="Note",
            new_name="Memo",
        ),
    ]
