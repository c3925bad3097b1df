from collections.abc import Callable

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "sipakatau.reports"
    label = "reports"
    verbose_name = _("Reports and statistics")

    def ready(self) -> None:
        """Every change to what the statistics count marks the rollups it touches."""
        from django.db.models.signals import post_delete, post_save, pre_save

        from sipakatau.cases.models import Case, CaseParty, Closure, Consent
        from sipakatau.cases.signals import deadlines_changed
        from sipakatau.people.models import Person
        from sipakatau.public.models import PublicReport
        from sipakatau.referrals.models import Referral

        from . import staleness

        pre_save.connect(staleness.case_before_save, sender=Case, dispatch_uid="rollup-case-pre")
        receivers: list[tuple[type, Callable[..., None]]] = [
            (Case, staleness.case_changed),
            (Consent, staleness.counting_changed),
            (CaseParty, staleness.counting_changed),
            (Person, staleness.person_changed),
            (Closure, staleness.closure_changed),
            (Referral, staleness.referral_changed),
            (PublicReport, staleness.public_report_changed),
        ] + [(model, staleness.case_row_changed) for model in staleness.CASE_ROWS]
        for model, receiver in receivers:
            for signal in (post_save, post_delete):
                signal.connect(receiver, sender=model, dispatch_uid=f"rollup-{model.__name__}")
        deadlines_changed.connect(staleness.deadlines_changed, dispatch_uid="rollup-deadlines")
