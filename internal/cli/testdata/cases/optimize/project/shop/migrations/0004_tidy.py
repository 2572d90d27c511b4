# Written by hand, in the style of an older codebase: optimize must leave
# every operation it does not merge exactly as it is.
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [('shop', '0003_writers')]

    operations = [
        # The shelf's label, as the first release had it.
        migrations.AddField('shelf', 'label', models.CharField(max_length=10, default='')),
        migrations.CreateModel(
            name="Note",
            fields=[("id", models.AutoField(primary_key=True, serialize=False)), ("text", models.TextField())],
        ),
        migrations.AddField(
            model_name="note",
            name="pinned",
            field=models.BooleanField(default=False),
        ),

        migrations.AlterModelOptions('shelf', {'ordering': ['label']}),  # kept as written
    ]
