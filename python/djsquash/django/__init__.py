"""djsquash.django: an optional Django app giving ``manage.py djsquash``.

Add "djsquash.django" to INSTALLED_APPS. ``manage.py djsquash ARGS...`` runs
the djsquash binary with what only the running settings know (every
DATABASES alias, INSTALLED_APPS with their labels and paths,
MIGRATION_MODULES, the swappable settings, the Django version), passed to
it privately: through an inherited pipe, never on its command line or in
its output. The app has no models and no migrations.
"""
