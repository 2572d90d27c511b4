from django.db import models


class Lead(models.Model):
    product = models.ForeignKey("shop.Product", on_delete=models.CASCADE)
