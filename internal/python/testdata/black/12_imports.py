def f(apps, schema_editor):
    from django.db.models import F,Q
    import json,os
    from catalog.utils import (slugify,
        normalise)
    x = json.dumps({})
    return x
