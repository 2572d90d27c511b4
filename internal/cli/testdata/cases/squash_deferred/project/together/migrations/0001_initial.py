from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Pair",
            fields=[
                ("id", models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("a", models.IntegerField(default=0)),
                ("b", models.IntegerField(default=0)),
            ],
            options={
                "unique_together": {("a", "b")},
            },
        ),
    ]
