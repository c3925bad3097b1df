from django.apps import AppConfig, apps


class LibConfig(AppConfig):
    name = "sipakatau.lib"
    label = "lib"
    verbose_name = "Sipakatau helpers"

    def ready(self) -> None:
        if apps.is_installed("django_q"):
            from .observability import connect_job_metrics

            connect_job_metrics()
