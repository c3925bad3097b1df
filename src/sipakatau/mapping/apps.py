from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MappingConfig(AppConfig):
    name = "sipakatau.mapping"
    label = "mapping"
    verbose_name = _("Needs mapping")

    def ready(self) -> None:
        from sipakatau.jobs.models import COUNTED_IN_STEPS

        from .services.report_files import KINDS

        # The report's job counts its steps, not rows (jobs/file_detail.html).
        COUNTED_IN_STEPS.update(KINDS.values())
