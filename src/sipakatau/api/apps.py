from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "sipakatau.api"
    label = "api"
    verbose_name = "API"
