from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "sipakatau.jobs"
    label = "jobs"
    verbose_name = "Jobs and schedules"
