from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "sipakatau.referrals"
    label = "referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        # The cases app sits a floor below and may not import this one, so it offers hook
        # lists and this app registers itself: a case with open referrals cannot be
        # closed, and withdrawing a referral consent withdraws what was built on it.
        from sipakatau.cases.services import care, workflow

        from .services.common import open_referrals_of
        from .services.ending import on_consent_withdrawn

        if open_referrals_of not in workflow.open_referral_counters:
            workflow.open_referral_counters.append(open_referrals_of)
        if on_consent_withdrawn not in care.consent_withdrawal_hooks:
            care.consent_withdrawal_hooks.append(on_consent_withdrawn)

        # Row seals (audit.seals): what is shared, with whom, on which consent, and where
        # the referral stands. Not ``escalated_at``, which a queryset update claims.
        from sipakatau.audit.seals import seal_model

        from .models import Referral

        seal_model(
            Referral,
            fields=[
                "register_number",
                "case",
                "sender",
                "subject",
                "provider",
                "recipient",
                "recipient_type",
                "service_type",
                "shared_fields",
                "projection",
                "shared_needs",
                "consent",
                "override_legal_basis",
                "status",
                "due_at",
                "created_by",
                "answered_by",
            ],
        )
