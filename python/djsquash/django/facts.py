"""What the running settings know and djsquash cannot read statically.

``collect`` gathers the facts as one JSON-ready dict; the binary reads them
(internal/project.Facts on the Go side: the two must agree on every key).
Database settings become URLs the binary parses like --database's; an alias
djsquash cannot read (an in-memory SQLite, Oracle) is listed with why.
"""
import importlib.util
import os
import sys
from urllib.parse import quote, urlencode

FORMAT = 1

# The vendors djsquash reads, by the last part of a backend's module path.
_SCHEMES = {
    "sqlite3": "sqlite",
    "spatialite": "sqlite",
    "postgresql": "postgres",
    "postgresql_psycopg2": "postgres",
    "postgis": "postgres",
    "mysql": "mysql",
}


def database_url(settings_dict):
    """Return (url, None), or (None, why) for a database djsquash cannot read."""
    engine = settings_dict.get("ENGINE") or ""
    vendor = engine.rsplit(".", 1)[-1]
    scheme = _SCHEMES.get(vendor)
    if scheme is None:
        return None, "engine %s is not one djsquash reads (SQLite, PostgreSQL, MySQL/MariaDB)" % (engine or "(none)")
    name = settings_dict.get("NAME") or ""
    name = os.fspath(name) if not isinstance(name, str) else name
    options = settings_dict.get("OPTIONS") or {}
    if scheme == "sqlite":
        if not name or name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
            return None, "an in-memory SQLite database"
        return "sqlite:///" + quote(os.path.abspath(name), safe="/:\\"), None
    user = quote(str(settings_dict.get("USER") or ""), safe="")
    password = quote(str(settings_dict.get("PASSWORD") or ""), safe="")
    host = str(settings_dict.get("HOST") or "")
    port = str(settings_dict.get("PORT") or "")
    query = {}
    if host.startswith("/"):  # a Unix socket directory (PostgreSQL) or file (MySQL)
        query["host" if scheme == "postgres" else "socket"] = host
        host = ""
    elif scheme == "mysql" and options.get("unix_socket"):
        query["socket"] = options["unix_socket"]
    if scheme == "postgres" and options.get("sslmode"):
        query["sslmode"] = options["sslmode"]
    netloc = ""
    if user:
        netloc = user + (":" + password if password else "") + "@"
    netloc += host or ("localhost" if scheme == "mysql" and "socket" not in query else "")
    if port:
        netloc += ":" + port
    url = "%s://%s/%s" % (scheme, netloc, quote(name, safe=""))
    if query:
        url += "?" + urlencode(query)
    return url, None


def _migrations_dir(module):
    """The directory of a migrations package, found without importing it."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return list(spec.submodule_search_locations)[0]


def collect():
    import django
    from django.apps import apps
    from django.conf import settings
    from django.db.migrations.loader import MigrationLoader

    facts = {
        "format": FORMAT,
        "django_version": django.get_version(),
        "python": sys.executable,
        "sys_path": [p for p in sys.path if p],
        "settings_module": os.environ.get("DJANGO_SETTINGS_MODULE", ""),
        "apps": [],
        "settings": {},
        "databases": {},
        "skipped_databases": {},
    }
    for config in apps.get_app_configs():
        module, _ = MigrationLoader.migrations_module(config.label)
        app = {"label": config.label, "name": config.name, "path": config.path, "migrations_module": module}
        if module is not None:
            app["migrations_dir"] = _migrations_dir(module)
        facts["apps"].append(app)
    names = {"AUTH_USER_MODEL"}
    for model in apps.get_models(include_swapped=True):
        if model._meta.swappable:
            names.add(model._meta.swappable)
    for name in sorted(names):
        value = getattr(settings, name, None)
        if isinstance(value, str):
            facts["settings"][name] = value
    for alias, settings_dict in settings.DATABASES.items():
        url, why = database_url(settings_dict)
        if url is None:
            facts["skipped_databases"][alias] = why
        else:
            facts["databases"][alias] = url
    return facts
