from django.db import models


class Owner(models.Model):
    pass


class Memo(models.Model):
    key = models.SlugField(default="")
    owner = models.ForeignKey(Owner, models.CASCADE, null=True)
