from django.db import migrations

PREFIX = "S-"


def code_for(shelf):
    return PREFIX + str(shelf.pk)


def forwards(apps, schema_editor):
    Shelf = apps.get_model("library", "Shelf")
    for shelf in Shelf.objects.all():
        shelf.code = code_for(shelf)
        shelf.save(update_fields=["code"])


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0004_shelf_code"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
