from django.db import models


class Author(models.Model):
    pass


class Book(models.Model):
    author = models.ForeignKey(Author, models.CASCADE, db_constraint=False, null=True)
