# -*- coding: utf-8 -*-
from __future__ import unicode_literals
from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):

    dependencies = [('shop', '0001_initial'), ('auth', '0012_alter_user_first_name_max_length')]

    operations = [
        migrations.CreateModel(name='Product', fields=[('id', models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')), ('name', models.CharField(max_length=100, help_text='It\'s the "name"')), ('price', models.DecimalField(decimal_places=2, max_digits=10))], options={'ordering': ['name'], 'verbose_name': 'product'}),
        migrations.AddField(model_name='product', name='category', field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, to='shop.Category')),
        migrations.AlterUniqueTogether(name='product', unique_together=set([('name', 'price')])),
        migrations.RunSQL("SELECT 1", reverse_sql='SELECT 1'),
        migrations.AddField(model_name='product', name='flag', field=models.BooleanField(default=False, help_text=(
                "Designates that this product is shown in the shop without "
                'being reviewed first, as Django writes long help texts.'
            ), verbose_name='flag')),
        migrations.AlterField(model_name='product', name='name', field=models.CharField(max_length=100, help_text="Required. 100 characters or fewer. Letters, digits and @/./+/-/_ "
                    "only.")),
    ]

    # An implicit concatenation assigned on its own.
    note = ("A note written over two lines, long enough that it cannot be joined into one "
        "line by black.")
