from django.db import migrations

import shop.operations


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]

    operations = [
        shop.operations.BackfillSku(batch=500),
    ]
