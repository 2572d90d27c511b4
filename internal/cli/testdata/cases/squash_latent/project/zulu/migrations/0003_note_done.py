from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("zulu", "0002_notes")]

    operations = [migrations.AddField(model_name="note", name="done", field=models.BooleanField(default=False))]
