from django.db import migrations


# What the history kept: the renamed column's data, the default rows that
# existed got, the renamed table's rows.
def check(apps, schema_editor):
    Product = apps.get_model("shop", "Product")
    kept = Product.objects.filter(name="Dune", stock=0, category__name="books")
    if not kept.exists():
        raise RuntimeError("the seeded product did not come through 0003 intact")
    section = apps.get_model("shop", "Section").objects.get()
    Product.objects.create(name="Solaris", price=12, category=section)


class Migration(migrations.Migration):
    dependencies = [("shop", "0003_rework")]

    operations = [
        migrations.RunPython(check, migrations.RunPython.noop),
    ]
