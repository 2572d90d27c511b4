SECRET_KEY = "test"
INSTALLED_APPS = ["idx", "fk", "retarget", "handled", "shop"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = True
