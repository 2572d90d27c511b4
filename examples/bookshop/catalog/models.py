import django
from django.conf import settings
from django.db import models

# Django 5.1 renamed CheckConstraint(check=) to condition=, and 6.0 removed
# check=: the example runs on every version djsquash is tested with.
CONDITION = "condition" if django.VERSION >= (5, 1) else "check"


class Author(models.Model):
    full_name = models.CharField(max_length=200)


class Book(models.Model):
    title = models.CharField(max_length=200)
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")
    price = models.DecimalField(max_digits=8, decimal_places=2)
    isbn = models.CharField(max_length=13, blank=True, help_text="ISBN-13, digits only")
    categories = models.ManyToManyField("Category", blank=True, related_name="books")
    imprint = models.ForeignKey(
        "Imprint", null=True, blank=True, on_delete=models.SET_NULL
    )
    slug = models.SlugField(max_length=200, unique=True)
    stock = models.PositiveIntegerField(default=0)
    contributors = models.ManyToManyField(
        Author, through="Contribution", related_name="contributions", blank=True
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                **{CONDITION: models.Q(price__gte=0)}, name="book_price_non_negative"
            ),
        ]
        indexes = [models.Index(fields=["title"], name="catalog_book_title_idx")]


class Category(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)


class Imprint(models.Model):
    name = models.CharField(max_length=200)


class Contribution(models.Model):
    book = models.ForeignKey(Book, on_delete=models.CASCADE)
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
    role = models.CharField(max_length=20, default="author")

    class Meta:
        unique_together = [("book", "author", "role")]


class Review(models.Model):
    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="reviews")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews"
    )
    rating = models.PositiveSmallIntegerField()
    body = models.TextField(blank=True)
    is_public = models.BooleanField(default=True)
    verified_order_line = models.ForeignKey(
        "orders.OrderLine",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviews",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                **{CONDITION: models.Q(rating__gte=1, rating__lte=5)},
                name="review_rating_1_to_5",
            ),
            models.UniqueConstraint(
                fields=["book", "user"],
                condition=models.Q(is_public=True),
                name="review_one_public_per_user",
            ),
        ]
