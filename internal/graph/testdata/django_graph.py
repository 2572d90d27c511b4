"""Differential oracle for internal/graph: runs real Django's MigrationLoader.

Reads a JSON list of cases on stdin. Each case lists migrations (in load
order), the applied set and the migrated apps. Only load_disk and the recorder
are replaced, so everything after that is Django's own build_graph. Prints one
JSON result per case: the showmigrations --plan order, leaf nodes, the applied
set after replacement bookkeeping, and the error Django raises, if any.
"""
import json
import sys

from django.conf import settings

settings.configure(INSTALLED_APPS=[], DATABASES={})

from django.db.migrations import loader as loader_mod  # noqa: E402
from django.db.migrations.migration import Migration  # noqa: E402


def run(case):
    disk = {}
    for m in case["migrations"]:
        mig = Migration(m["name"], m["app"])
        mig.dependencies = [tuple(d) for d in m.get("dependencies") or []]
        mig.run_before = [tuple(d) for d in m.get("run_before") or []]
        mig.replaces = [tuple(d) for d in m.get("replaces") or []]
        disk[(m["app"], m["name"])] = mig
    applied = {tuple(k): True for k in case.get("applied") or []}

    class Recorder:
        def __init__(self, connection):
            pass

        def applied_migrations(self):
            return dict(applied)

    class Loader(loader_mod.MigrationLoader):
        def load_disk(self):
            self.disk_migrations = dict(disk)
            self.migrated_apps = set(case["apps"])
            self.unmigrated_apps = set()

    loader_mod.MigrationRecorder = Recorder
    out = {"plan": [], "leaves": [], "applied": [], "error": None}
    try:
        ld = Loader(connection=object())
    except Exception as e:  # noqa: BLE001 - report whatever Django raises
        out["error"] = "%s: %s" % (type(e).__name__, e)
        return out
    graph = ld.graph
    seen = set()
    for target in graph.leaf_nodes():
        for key in graph.forwards_plan(target):
            if key not in seen:
                seen.add(key)
                out["plan"].append(list(key))
    out["leaves"] = [list(k) for k in graph.leaf_nodes()]
    out["applied"] = sorted(list(k) for k in ld.applied_migrations)
    return out


print(json.dumps([run(c) for c in json.load(sys.stdin)]))
