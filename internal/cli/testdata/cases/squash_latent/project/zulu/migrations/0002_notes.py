from django.db import migrations


def forwards(apps, schema_editor):
    # A latent bug: alpha.Thing is looked up, but this migration does not
    # depend on alpha; it works only because Django plans alpha first.
    Thing = apps.get_model("alpha", "Thing")
    Note = apps.get_model("zulu", "Note")
    for t in Thing.objects.all():
        Note.objects.create(text=t.name)


class Migration(migrations.Migration):
    dependencies = [("zulu", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
