from django.db import models


class Thing(models.Model):
    name = models.CharField(max_length=20)
    size = models.IntegerField(default=0)
