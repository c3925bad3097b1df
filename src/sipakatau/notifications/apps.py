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

        # The audit app (a floor below) decides when an account probes for case data;
        # this app tells its administrators.
        from sipakatau.audit.refusals import probing_alerts

        from .alerts import access_probing_alert

        if access_probing_alert not in probing_alerts:
            probing_alerts.append(access_probing_alert)

        # The accounts app (a floor below) announces role requests to those who decide.
        from sipakatau.accounts.services.role_requests import announcers

        from .services import notify

        if notify not in announcers:
            announcers.append(notify)
