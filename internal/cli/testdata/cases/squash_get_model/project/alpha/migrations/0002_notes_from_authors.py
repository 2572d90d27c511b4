from django.db import migrations


def forwards(apps, schema_editor):
    # Written when zoo's model was still called Author: it runs before
    # zoo.0002 renames it, because Django plans app alpha first.
    Author = apps.get_model("zoo", "Author")
    Note = apps.get_model("alpha", "Note")
    for author in Author.objects.order_by("pk"):
        Note.objects.create(text="by " + author.name)


class Migration(migrations.Migration):
    dependencies = [
        ("alpha", "0001_initial"),
        ("zoo", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
