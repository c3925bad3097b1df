from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "sipakatau.demo"
    label = "demo"
    verbose_name = "Parepare demo data"
