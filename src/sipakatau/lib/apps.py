from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "sipakatau.lib"
    label = "lib"
    verbose_name = "Sipakatau helpers"
