from django.apps import AppConfig


class DjsquashConfig(AppConfig):
    name = "djsquash.django"
    label = "djsquash"
    verbose_name = "djsquash"
