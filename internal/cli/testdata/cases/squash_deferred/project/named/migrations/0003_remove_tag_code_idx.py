from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("named", "0002_seed")]

    operations = [
        migrations.RemoveIndex(
            model_name="tag",
            name="named_tag_code_idx",
        ),
    ]
