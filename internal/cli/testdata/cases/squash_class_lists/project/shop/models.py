from django.db import models


class Item(models.Model):
    name = models.CharField(max_length=20)
    code = models.CharField(max_length=10, default="")

    class Meta:
        db_table = "shop_legacy_item"
