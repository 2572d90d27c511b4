"""Oracle for internal/state: dump the ProjectState Django's loader builds
at the leaf nodes of a project (run inside the project, with its settings).

Per model ("app.model", lowercase): its name as written, fields in order,
relational targets (and through models) lowercased, index and constraint
names, the other options with literal values (anything else as "<expr>";
unique_together and index_together as sorted groups), and manager names.
"""
import json
import os
import sys

import django

sys.path.insert(0, os.getcwd())
django.setup()

from django.db import connection  # noqa: E402
from django.db.migrations.loader import MigrationLoader  # noqa: E402



def norm(v):
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, (list, tuple)):
        return [norm(x) for x in v]
    if isinstance(v, (set, frozenset)):
        return sorted((norm(x) for x in v), key=json.dumps)
    if isinstance(v, dict):
        return {str(k): norm(x) for k, x in v.items()}
    return "<expr>"


def options(ms):
    out = {}
    for k, v in ms.options.items():
        if k in ("indexes", "constraints"):
            continue
        if k in ("unique_together", "index_together"):
            from django.db.models.options import normalize_together

            v = sorted(list(g) for g in normalize_together(v or ()))
            if not v:
                continue
        out[k] = norm(v)
    return out


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
        "options": options(ms),
        "managers": [name for name, _ in ms.managers],
    }
print(json.dumps(out, sort_keys=True))
