from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocialConfig(AppConfig):
    name = "sipakatau.social"
    label = "social"
    verbose_name = _("Social protection")

    def ready(self) -> None:
        # The cases app sits a floor below and may not import this one, so it offers a
        # hook list and this app registers itself: a needs assessment that raises an
        # economic or civil-documents need puts the household on the kelurahan's worklist.
        from sipakatau.cases.services import care

        from .services.screening import on_assessment_recorded

        if on_assessment_recorded not in care.assessment_hooks:
            care.assessment_hooks.append(on_assessment_recorded)
