from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MechanismsConfig(AppConfig):
    name = "sipakatau.mechanisms"
    verbose_name = _("Mechanisms")
