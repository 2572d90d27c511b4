from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0004_check")]

    operations = [
        migrations.AlterField(model_name="product", name="price", field=models.DecimalField(decimal_places=2, max_digits=8)),
        migrations.RenameField(model_name="product", old_name="sku", new_name="code"),
        migrations.AlterField(model_name="product", name="code", field=models.CharField(blank=True, default="", max_length=32)),
        migrations.AddField(model_name="section", name="position", field=models.PositiveIntegerField(default=0)),
        migrations.AlterModelOptions(name="section", options={"ordering": ["position"]}),
        migrations.AlterModelOptions(name="section", options={"ordering": ["position", "name"]}),
        # The AddField between them keeps Django's optimizer from merging
        # the two AlterUniqueTogether.
        migrations.AlterUniqueTogether(name="section", unique_together={("name",)}),
        migrations.AddField(model_name="section", name="slug", field=models.SlugField(default="")),
        migrations.AlterUniqueTogether(name="section", unique_together={("name",), ("slug", "position")}),
        migrations.AddField(model_name="legacy", name="note", field=models.TextField(blank=True)),
        migrations.RemoveField(model_name="legacy", name="note"),
    ]
