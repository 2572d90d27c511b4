# -*- coding: latin-1 -*-
from django.db import models


class Tag(models.Model):
    name = models.CharField(max_length=20, help_text="Café name")
    slug = models.SlugField(default="")
