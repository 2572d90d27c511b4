"""Settings for the bookshop example project.

SQLite by default. djsquash's test harness replaces DATABASES with its own
settings module; for manual runs against another server set DJSQUASH_DB_ENGINE
(sqlite, postgresql or mysql) and DJSQUASH_DB_NAME/HOST/PORT/USER/PASSWORD.
"""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "bookshop-example-not-secret"
DEBUG = True
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "accounts",
    "catalog.apps.CatalogConfig",
    "orders",
]

AUTH_USER_MODEL = "accounts.User"

_engine = os.environ.get("DJSQUASH_DB_ENGINE", "sqlite")
if _engine == "sqlite":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("DJSQUASH_DB_NAME", BASE_DIR / "db.sqlite3"),
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends." + _engine,
            "NAME": os.environ.get("DJSQUASH_DB_NAME", "bookshop"),
            "HOST": os.environ.get("DJSQUASH_DB_HOST", "127.0.0.1"),
            "PORT": os.environ.get("DJSQUASH_DB_PORT", ""),
            "USER": os.environ.get("DJSQUASH_DB_USER", ""),
            "PASSWORD": os.environ.get("DJSQUASH_DB_PASSWORD", ""),
        }
    }
