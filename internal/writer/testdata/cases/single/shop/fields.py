from django.db import models


class MoneyField(models.DecimalField):
    pass
