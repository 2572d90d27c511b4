"""Dump the migrations on disk of some apps as Django reads them, for the
reset differential test: per app, in name order, each migration's initial
flag, dependencies and operations serialized by Django's own
MigrationWriter (so through deconstruct()). Run with manage.py shell -c;
DJSQ_APPS lists the apps; prints one line, DJSQ_JSON:{...}."""
import json
import os

from django.db.migrations.loader import MigrationLoader
from django.db.migrations.writer import MigrationWriter

apps = set(os.environ["DJSQ_APPS"].split(","))
loader = MigrationLoader(None, ignore_no_migrations=True)
out = {}
for (app, name), mig in sorted(loader.disk_migrations.items()):
    if app not in apps:
        continue
    ops = [MigrationWriter.serialize(op)[0] for op in mig.operations]
    out.setdefault(app, []).append({
        "name": name,
        "initial": bool(mig.initial),
        "dependencies": sorted([list(d) for d in mig.dependencies]),
        "operations": ops,
    })
print("DJSQ_JSON:" + json.dumps(out))
