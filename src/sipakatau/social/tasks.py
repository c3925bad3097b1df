"""Jobs of the social-protection app, run by the queue (sipakatau.jobs schedules them)."""

from sipakatau.areas.models import Area, Level

from .models import Household
from .services import batches_escalate, screening_run


def escalate_proposal_cutoffs() -> int:
    """Tell each kelurahan once about its proposals past the cut-off. Returns how many."""
    return batches_escalate()


def screen_households() -> int:
    """Run every active screening rule over each kelurahan's households. Returns how many
    households were flagged."""
    total = 0
    kelurahan_ids = Household.objects.values_list("kelurahan_id", flat=True).distinct()
    for kelurahan in Area.objects.filter(pk__in=kelurahan_ids, level=Level.KELURAHAN):
        total += screening_run(actor=None, kelurahan=kelurahan)
    return total
