import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0002_seed")]

    operations = [
        # Kept through a rename: the seeded row keeps its title.
        migrations.RenameField(model_name="product", old_name="title", new_name="name"),
        migrations.AlterField(model_name="product", name="name", field=models.CharField(max_length=200)),
        # Rows that exist get 0; new ones 5.
        migrations.AddField(model_name="product", name="stock", field=models.IntegerField(default=0)),
        migrations.AlterField(model_name="product", name="stock", field=models.IntegerField(default=5)),
        migrations.RenameModel(old_name="Category", new_name="Section"),
        migrations.AddField(model_name="product", name="sku", field=models.CharField(default="", max_length=20)),
        migrations.AlterField(model_name="product", name="sku", field=models.CharField(default="", max_length=32)),
        migrations.AddIndex(model_name="product", index=models.Index(fields=["name"], name="product_name_idx")),
        migrations.RemoveIndex(model_name="product", name="product_name_idx"),
        migrations.AddIndex(model_name="product", index=models.Index(fields=["name", "price"], name="product_name_price_idx")),
        # An index between them keeps Django's optimizer from merging the
        # AddField and the AlterField.
        migrations.AddField(model_name="product", name="barcode", field=models.CharField(default="", max_length=13)),
        migrations.AddIndex(model_name="product", index=models.Index(fields=["barcode"], name="product_barcode_idx")),
        migrations.AlterField(model_name="product", name="barcode", field=models.CharField(blank=True, default="", max_length=14)),
        migrations.CreateModel(
            name="Tag",
            fields=[
                ("id", models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("label", models.CharField(max_length=20)),
            ],
        ),
        migrations.AddField(model_name="product", name="tags", field=models.ManyToManyField(to="shop.tag")),
        migrations.AddField(model_name="tag", name="slug", field=models.SlugField(default="")),
        migrations.CreateModel(
            name="Temp",
            fields=[
                ("id", models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
            ],
        ),
        migrations.DeleteModel(name="Temp"),
        # The same name, a new column: it goes before it comes back.
        migrations.RemoveField(model_name="legacy", name="code"),
        migrations.AddField(model_name="legacy", name="code", field=models.IntegerField(null=True)),
        migrations.AlterUniqueTogether(name="product", unique_together={("name", "category")}),
        migrations.AlterModelOptions(name="product", options={"ordering": ["name"]}),
        migrations.DeleteModel(name="SupplierContact"),
        migrations.DeleteModel(name="Supplier"),
    ]
