"""Oracle for internal/optimizer: run real Django's MigrationOptimizer.

Reads a JSON list of cases from stdin: {"id", "app", "input", "ours",
"validate"}, where input and ours are Python source of operation lists. For
each case it prints Django's optimized list (normalised, and as source for
our replay) and the normalised form of ours, so the Go test can compare
them. With validate, it also applies both lists to a fresh in-memory SQLite
database the way migrate does (state_forwards, then database_forwards with
the states before and after), and reports the first failure of each (""
when it migrates).

Normal form: an operation is {"op": class, "args": {param: value}} from its
deconstruct(); lists, tuples, sets (sorted) and dicts (sorted by key) are
structural; any other object is the text MigrationWriter.serialize gives.
"""
import inspect
import json
import sys

import django
from django.conf import settings

settings.configure(
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    USE_TZ=True,
)
django.setup()

import django.db.models.deletion  # noqa: E402,F401
from django.db import connection, migrations, models  # noqa: E402
from django.db.migrations.operations.base import Operation  # noqa: E402
from django.db.migrations.optimizer import MigrationOptimizer  # noqa: E402
from django.db.migrations.state import ProjectState  # noqa: E402
from django.db.migrations.writer import MigrationWriter, OperationWriter  # noqa: E402

NAMESPACE = {"migrations": migrations, "models": models, "django": django, "settings": settings}


def norm(v):
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, list):
        return {"list": [norm(x) for x in v]}
    if isinstance(v, tuple):
        return {"tuple": [norm(x) for x in v]}
    if isinstance(v, (set, frozenset)):
        return {"set": sorted((norm(x) for x in v), key=json.dumps)}
    if isinstance(v, dict):
        return {"dict": sorted(([norm(k), norm(x)] for k, x in v.items()), key=json.dumps)}
    if isinstance(v, Operation):
        name, args, kwargs = v.deconstruct()
        params = list(inspect.signature(type(v).__init__).parameters)[1:]
        bound = dict(zip(params, args))
        bound.update(kwargs)
        return {"op": name, "args": {k: norm(x) for k, x in bound.items()}}
    return {"expr": MigrationWriter.serialize(v)[0]}


def source(ops):
    parts = []
    for op in ops:
        text, _ = OperationWriter(op, indentation=1).serialize()
        parts.append("    " + text)
    return "[\n" + "\n".join(parts) + "\n]"


def replay(ops, app):
    with connection.cursor() as cursor:  # an empty database
        for table in connection.introspection.table_names(cursor):
            cursor.execute("DROP TABLE %s" % connection.ops.quote_name(table))
    state = ProjectState()
    for i, op in enumerate(ops):
        try:
            new = state.clone()
            op.state_forwards(app, new)
            with connection.schema_editor() as editor:
                op.database_forwards(app, editor, state, new)
            state = new
        except Exception as e:
            return "operation %d (%s): %s: %s" % (i, type(op).__name__, type(e).__name__, e)
    return ""


out = []
for case in json.load(sys.stdin):
    res = {"id": case["id"]}
    try:
        ops = eval(case["input"], dict(NAMESPACE))
        got = MigrationOptimizer().optimize(ops, case["app"])
        res["django"] = [norm(op) for op in got]
        res["django_src"] = source(got)
        ours = eval(case["ours"], dict(NAMESPACE))
        res["ours"] = [norm(op) for op in ours]
        if case.get("validate"):
            res["input_invalid"] = replay(ops, case["app"])
            res["django_invalid"] = replay(got, case["app"])
            res["ours_invalid"] = replay(ours, case["app"])
    except Exception as e:  # reported per case, the Go test fails on it
        res["error"] = "%s: %s" % (type(e).__name__, e)
    out.append(res)
json.dump(out, sys.stdout)
