from django.db import models


class Tag(models.Model):
    code = models.CharField(default="", max_length=20)
