from django.db import models

from tokens.conf import token_settings


class Client(models.Model):
    name = models.CharField(max_length=50, default="")
    token = models.ForeignKey(token_settings.TOKEN_MODEL, models.CASCADE, null=True)
    secret = models.CharField(max_length=50, default="")
