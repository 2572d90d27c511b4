from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_step")]

    operations = []
