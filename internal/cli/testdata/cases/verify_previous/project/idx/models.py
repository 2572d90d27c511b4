from django.db import models


class Book(models.Model):
    title = models.CharField(default="", max_length=100)
