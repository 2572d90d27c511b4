from django.db import models


class Pair(models.Model):
    a = models.IntegerField(default=0)
    b = models.IntegerField(default=0)
