"""Telling a reporter that a worker answered, on the channel she marked safe.

Called by ``decisions.public_reply_add`` inside its transaction: a reply that rolls back
queues nothing. The outbox (notifications) checks the channel again when it sends.
"""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from sipakatau.accounts.models import Membership
from sipakatau.audit import services as audit
from sipakatau.notifications.services import notify_person
from sipakatau.people.models import ContactChannel
from sipakatau.people.profile import person_set_profile
from sipakatau.people.services import person_create

from ..models import ContactPreference, PublicMessage, PublicReport

_SAFE_CHANNELS = {
    ContactPreference.SMS: ContactChannel.SMS,
    ContactPreference.WHATSAPP: ContactChannel.WHATSAPP,
}


def reporter_tell(*, actor: Membership, report: PublicReport, message: PublicMessage) -> None:
    """Queue the neutral notice through the outbox, which checks the channel again at send
    time. It says only that there is news and where to read it: no name, no unit, nothing
    of what happened (DESIGN.md §5), since the phone may be read by the abuser."""
    channel = _SAFE_CHANNELS.get(ContactPreference(report.contact))
    if channel is None or not report.contact_safe or not report.contact_phone:
        return
    person = report.contact_person
    if person is None:
        try:
            person = person_create(
                actor=actor, name=_("Reporter (public portal)"), phone=report.contact_phone
            ).person
        except ValidationError:
            return  # a number the outbox could never use: the reply stays on the page
        person_set_profile(
            actor=actor,
            person=person,
            contact_channels=[channel],
            contact_times=report.contact_times,
        )
        report.contact_person = person
        report.save(update_fields=["contact_person", "updated_at"])
        audit.log(actor, "public_report.contact_linked", report, fields=["contact_person"])
    notify_person(
        person=person,
        template="person_public_reply",
        context={"link": reverse("public:track")},
        dedup_key=f"public-reply:{message.pk}",
        actor=actor,
    )
