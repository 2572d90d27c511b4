from django.db import migrations


def forwards(apps, schema_editor):
    Item = apps.get_model("shop", "Item")
    Item.objects.filter(score=0).update(score=1)


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0002_seed"),
    ]

    def backwards(apps, schema_editor):
        pass

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.RunPython(lambda apps, schema_editor: forwards(apps, schema_editor)),
    ]
