from django.db import models


class Section(models.Model):
    name = models.CharField(max_length=50)
    position = models.PositiveIntegerField(default=0)
    slug = models.SlugField(default="")

    class Meta:
        ordering = ["position", "name"]
        unique_together = [("name",), ("slug", "position")]


class Tag(models.Model):
    label = models.CharField(max_length=20)
    slug = models.SlugField(default="")


class Product(models.Model):
    name = models.CharField(max_length=200)
    price = models.DecimalField(decimal_places=2, max_digits=8)
    category = models.ForeignKey(Section, on_delete=models.CASCADE)
    stock = models.IntegerField(default=5)
    code = models.CharField(blank=True, default="", max_length=32)
    tags = models.ManyToManyField(Tag)
    barcode = models.CharField(blank=True, default="", max_length=14)

    class Meta:
        ordering = ["name"]
        unique_together = [("name", "category")]
        indexes = [
            models.Index(fields=["name", "price"], name="product_name_price_idx"),
            models.Index(fields=["barcode"], name="product_barcode_idx"),
        ]


class Legacy(models.Model):
    code = models.IntegerField(null=True)
