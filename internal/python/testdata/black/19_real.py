from django.db import migrations
import uuid

def gen_uuid(apps, schema_editor):
    MyModel = apps.get_model('myapp', 'MyModel')
    for row in MyModel.objects.all():
        row.uuid = uuid.uuid4()
        row.save(update_fields=['uuid'])

def add_defaults(apps,schema_editor):
    Setting=apps.get_model( 'core','Setting' )
    defaults={ 'site_name':'Example','items_per_page':25,'allow_signup':True }
    for k,v in defaults.items():
        Setting.objects.get_or_create(key=k,defaults={'value':v})

STATUSES = (
    ('draft', 'Draft'),
    ('published', 'Published'),
)
EMPTY = {}
LIMIT = 10 ** 3
