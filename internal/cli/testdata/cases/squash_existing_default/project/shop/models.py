from django.db import models


class Token(models.Model):
    name = models.CharField(max_length=50, default="")
    version = models.PositiveSmallIntegerField(default=2)
