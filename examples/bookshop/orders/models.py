from catalog.models import CONDITION
from django.conf import settings
from django.db import models


class Order(models.Model):
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=20,
        default="new",
        choices=[
            ("new", "New"),
            ("paid", "Paid"),
            ("shipped", "Shipped"),
            ("cancelled", "Cancelled"),
        ],
    )
    reference = models.CharField(max_length=20, unique=True)
    shipping_address = models.ForeignKey(
        "accounts.Address",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["status", "created_at"], name="orders_status_created_idx"
            )
        ]


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    book = models.ForeignKey("catalog.Book", on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField(default=1)
    unit_price = models.DecimalField(max_digits=8, decimal_places=2)
    discount = models.DecimalField(max_digits=8, decimal_places=2, default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                **{CONDITION: models.Q(quantity__gt=0)}, name="orderline_quantity_positive"
            ),
        ]


class Shipment(models.Model):
    order = models.OneToOneField(
        Order, on_delete=models.CASCADE, related_name="shipment"
    )
    shipped_at = models.DateTimeField(null=True, blank=True)
    carrier_name = models.CharField(max_length=50)
