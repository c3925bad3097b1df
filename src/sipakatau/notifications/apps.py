from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "sipakatau.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from .checks import check_base_url, check_neutral_sender

        checks.register(check_neutral_sender)
        checks.register(check_base_url, checks.Tags.security, deploy=True)
