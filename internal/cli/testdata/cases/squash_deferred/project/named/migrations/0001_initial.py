from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Tag",
            fields=[
                ("id", models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(default="", max_length=20)),
            ],
            options={
                "indexes": [models.Index(fields=["code"], name="named_tag_code_idx")],
            },
        ),
    ]
