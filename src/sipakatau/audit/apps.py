from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "sipakatau.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        # Re-encrypting a sealed row (manage.py rotate_keys) keeps its seal true.
        from sipakatau.lib.management.commands.rotate_keys import REWRITE_GUARDS

        from .seals import resealing

        REWRITE_GUARDS.append(resealing)
