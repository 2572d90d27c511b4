"""Import written migration modules with real Django, as its loader does.

Usage: import_migration.py PROJECT_DIR MODULE... ; prints each module's
operation count, one per line. PROJECT_DIR goes on sys.path.
"""
import importlib
import sys

sys.path.insert(0, sys.argv[1])

import django  # noqa: E402
from django.conf import settings  # noqa: E402

settings.configure(
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "shop"],
    DATABASES={},
)
django.setup()

for name in sys.argv[2:]:
    module = importlib.import_module(name)
    print(len(module.Migration.operations))
