from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "sipakatau.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        # Row seals (audit.seals): an edit of these columns made in the database, past the
        # application, is caught by audit_verify. The columns decide who sees a case and
        # what may happen to the survivor's data; timestamps and the deadlines, which
        # queryset updates write, are left out (a queryset update sends no signal).
        from sipakatau.audit.seals import seal_model

        from .models import Case, CaseParty, Consent

        seal_model(
            Case,
            fields=[
                "register_number",
                "organisation",
                "status",
                "risk_level",
                "danger_now",
                "reported_at",
                "created_by",
                "assigned_to",
                "rule_set",
                "closed_at",
                "intake_completed_at",
            ],
        )
        # Every column: a consent flipped back to active would share the survivor's data.
        seal_model(
            Consent,
            fields=[
                "case",
                "subject",
                "purpose",
                "recipient_type",
                "given_by_guardian",
                "method",
                "witness_name",
                "proof",
                "given_at",
                "recorded_by",
                "withdrawn_at",
                "withdrawn_reason",
            ],
        )
        # Who is in the case, in which role, and whether a child (a guardian consents).
        seal_model(CaseParty, fields=["case", "person", "role", "age_at_incident"])
