from django.db import models


class Author(models.Model):
    pass


class Publisher(models.Model):
    pass


class Book(models.Model):
    owner = models.ForeignKey(Publisher, models.CASCADE, null=True)
