from django.db import models


class Loan(models.Model):
    shelf = models.ForeignKey("library.Rack", on_delete=models.CASCADE)
    note = models.TextField(blank=True)
