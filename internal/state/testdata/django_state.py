"""Oracle for internal/state: dump the ProjectState Django's loader builds
at the leaf nodes of a project (run inside the project, with its settings).

Per model ("app.model", lowercase): its name as written, fields in order,
relational targets (and through models) lowercased, index and constraint
names, and the options keys that are set.
"""
import json
import os
import sys

import django

sys.path.insert(0, os.getcwd())
django.setup()

from django.db import connection  # noqa: E402
from django.db.migrations.loader import MigrationLoader  # noqa: E402

state = MigrationLoader(connection).project_state()
out = {}
for (app, model), ms in sorted(state.models.items()):
    fields, relations = [], {}
    for name, field in ms.fields.items():
        fields.append(name)
        remote = getattr(field, "remote_field", None)
        if remote is not None:
            target = remote.model
            if not isinstance(target, str):
                target = "%s.%s" % (target._meta.app_label, target._meta.object_name)
            relations[name] = target.lower()
            through = getattr(remote, "through", None)
            if through is not None:
                if not isinstance(through, str):
                    through = "%s.%s" % (through._meta.app_label, through._meta.object_name)
                relations[name + ".through"] = through.lower()
    out["%s.%s" % (app, model)] = {
        "name": ms.name,
        "fields": fields,
        "relations": relations,
        "indexes": sorted(i.name for i in ms.options.get("indexes", [])),
        "constraints": sorted(c.name for c in ms.options.get("constraints", [])),
    }
print(json.dumps(out, sort_keys=True))
