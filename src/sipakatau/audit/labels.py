"""The audit trail in words: "Melihat kasus BHG-2/2026/0004", not ``case.viewed cases.case 4``.

An event stores codes and ids only (``models``), so its words are put together when it is
read: an explicit label for the common actions, else a verb for the action's last word
and the object's name, and never a bare code. Object and actor names are looked up in
one query per kind of object for a whole page, so a page costs the same at 5 rows or 50.

The audit app stands below every app it names here; it reaches their models through the
app registry (``apps.get_model``), never by importing them (tests/test_import_floors.py).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.db.models import Model
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent

# Labels that read better than verb + object. ``%(object)s`` is the object's name and
# number ("kasus BHG-2/2026/0004"); a label without it names no object.
ACTIONS: dict[str, Promise] = {
    "auth.password_accepted": _("Password accepted, waiting for the code"),
    "auth.second_factor_accepted": _("Signed in with an authenticator code"),
    "auth.second_factor_failed": _("Wrong authenticator code"),
    "auth.failed": _("Sign-in failed"),
    "auth.logged_out": _("Signed out"),
    "membership.switched": _("Switched to another role"),
    "access.refused": _("Was refused access to %(object)s"),
    "access.probing_alerted": _("Alert: many refused attempts by %(object)s"),
    "audit.exported": _("Exported the audit trail"),
    "jobs.file_requested": _("Asked for a file to be prepared (%(object)s)"),
    "jobs.file_requeued": _("Queued again a file whose job stopped (%(object)s)"),
    "mapping.submissions_import_requeued": _(
        "Queued again an import whose job stopped (%(object)s)"
    ),
    "audit.breach_scoped": _("Looked up who read data (breach scope)"),
    "user.two_factor_enrolled": _("Set up an authenticator for %(object)s"),
    "user.two_factor_reset": _("Reset the authenticator of %(object)s"),
    "user.backup_codes_regenerated": _("Made new backup codes for %(object)s"),
    "user.password_reset": _("Reset the password of %(object)s"),
    "case.summary_exported": _("Downloaded the summary of %(object)s"),
    "case.forwarded_to_police": _("Forwarded %(object)s to the police"),
    "case.relationship_set": _("Recorded a relationship in %(object)s"),
    "case.party_added": _("Added a person to %(object)s"),
    "case.particulars_set": _("Corrected a person's particulars in %(object)s"),
    "case.monitoring": _("Moved %(object)s to monitoring"),
    "case.reopened": _("Reopened %(object)s"),
    "case.activated": _("Started handling %(object)s"),
    "closure.requested": _("Asked to close %(object)s"),
    "closure.decided": _("Decided on closing %(object)s"),
    "consent.recorded": _("Recorded consent in %(object)s"),
    "consent.withdrawn": _("Recorded withdrawn consent in %(object)s"),
    "incident.recorded": _("Recorded the incident of %(object)s"),
    "incident.classified": _("Classified the incident of %(object)s"),
    "incident.context_derived": _("Derived the GBVIMS context of the incident of %(object)s again"),
    "crest.uploaded": _("Uploaded the regional crest of %(object)s"),
    "incident.gbvims_details_set": _("Corrected the GBVIMS details of the incident of %(object)s"),
    "plan.item_added": _("Added a plan item to %(object)s"),
    "plan.item_updated": _("Updated a plan item of %(object)s"),
    "follow_up.planned": _("Planned a follow-up of %(object)s"),
    "follow_up.recorded": _("Recorded a follow-up of %(object)s"),
    "note.added": _("Added a note to %(object)s"),
    "attachment.added": _("Added a file to %(object)s"),
    "attachment.downloaded": _("Downloaded a file of %(object)s"),
    "person.identity_viewed": _("Opened the identity of %(object)s"),
    "referral.override": _("Referred without consent, on a legal basis: %(object)s"),
    "referral.letter_printed": _("Printed the letter of %(object)s"),
    "referral.listed": _("Opened the incoming referrals of %(object)s"),
    "referral.searched": _("Searched the incoming referrals of %(object)s"),
    "referral.exported": _("Exported the incoming referrals of %(object)s"),
    "public_report.photo_viewed": _("Viewed the photo of %(object)s"),
    "public_report.promoted": _("Made %(object)s into a case"),
    "public_message.replied": _("Replied to %(object)s"),
    "export_request.reauthenticated": _("Confirmed the password for %(object)s"),
    "export_request.reauthentication_failed": _("Wrong password for %(object)s"),
    # The archive is made by a job (reports.tasks.build_export_archive) for the requester.
    "export_request.archive_requested": _("Asked for the archive of %(object)s to be made"),
    "export_request.archive_made": _("The archive of %(object)s was made"),
    "export_request.archive_failed": _("The archive of %(object)s could not be made"),
    "decree.issued": _("Issued %(object)s"),
    "areas.imported": _("Imported areas"),
    "directory.imported": _("Imported the service directory"),
    "screening.run": _("Ran the screening"),
    "notification.preference_set": _("Changed how %(object)s gets notifications"),
    "reports.exported_case_list": _("Exported the case list of the unit"),
    "reports.exported_simfoni": _("Exported the SIMFONI-PPA workbook"),
    "mapping.gaps_reported": _("Asked the directory's keepers to fill the gaps of %(object)s"),
    # The job of an upload (mapping.tasks.import_submissions), by the system.
    "mapping.submissions_import_done": _("Finished importing %(object)s"),
    "mapping.submissions_import_failed": _("The import %(object)s stopped"),
    # The analysis as a job (mapping.tasks.analyse): asked for by a reader, made by the
    # system.
    "mapping.analysis_requested": _("Asked for the needs-mapping analysis (%(object)s)"),
    "mapping.analysis_done": _("Made the needs-mapping analysis (%(object)s)"),
    "mapping.analysis_failed": _("The needs-mapping analysis %(object)s stopped"),
    "mapping.analysis_requeued": _(
        "Queued again a needs-mapping analysis whose job stopped (%(object)s)"
    ),
}

# The action's last word (``"case.viewed"`` → ``viewed``) as a verb before the object.
VERBS: dict[str, Promise] = {
    "viewed": _("Viewed %(object)s"),
    "read": _("Read %(object)s"),
    "created": _("Created %(object)s"),
    "submitted": _("Submitted %(object)s"),
    "updated": _("Changed %(object)s"),
    "changed": _("Changed %(object)s"),
    "profile_updated": _("Changed %(object)s"),
    "deleted": _("Deleted %(object)s"),
    "added": _("Added %(object)s"),
    "recorded": _("Recorded %(object)s"),
    "exported": _("Exported %(object)s"),
    "downloaded": _("Downloaded %(object)s"),
    "printed": _("Printed %(object)s"),
    "report_printed": _("Printed %(object)s"),
    "imported": _("Imported %(object)s"),
    "issued": _("Issued %(object)s"),
    "signed": _("Signed %(object)s"),
    "sent": _("Sent %(object)s"),
    "generated": _("Made %(object)s"),
    "written": _("Wrote %(object)s"),
    "assigned": _("Assigned %(object)s"),
    "accepted": _("Accepted %(object)s"),
    "declined": _("Declined %(object)s"),
    "started": _("Started %(object)s"),
    "completed": _("Completed %(object)s"),
    "cancelled": _("Cancelled %(object)s"),
    "withdrawn": _("Withdrew %(object)s"),
    "closed": _("Closed %(object)s"),
    "escalated": _("Escalated %(object)s"),
    "approved": _("Approved %(object)s"),
    "refused": _("Refused %(object)s"),
    "decided": _("Decided on %(object)s"),
    "verified": _("Verified %(object)s"),
    "advanced": _("Moved %(object)s to the next step"),
    "moved": _("Moved %(object)s"),
    "resolved": _("Resolved %(object)s"),
    "superseded": _("Replaced %(object)s"),
    "linked": _("Linked %(object)s"),
    "enabled": _("Enabled %(object)s"),
    "disabled": _("Disabled %(object)s"),
    "activated": _("Activated %(object)s"),
    "deactivated": _("Deactivated %(object)s"),
    "suspended": _("Suspended %(object)s"),
    "granted": _("Granted %(object)s"),
    "expired": _("%(object)s expired"),
    "dismissed": _("Dismissed %(object)s"),
    "replied": _("Replied to %(object)s"),
    "assessed": _("Assessed %(object)s"),
    "planned": _("Planned %(object)s"),
    "saved": _("Saved %(object)s"),
    "run": _("Ran %(object)s"),
    "test_run": _("Tried out %(object)s"),
    "revoked": _("Revoked %(object)s"),
    "ended": _("Ended %(object)s"),
    "discarded": _("Discarded %(object)s"),
}

# Objects by their stored type: the noun, and the field that names one without personal
# data. A person, a household or a public report has no such field (its tracking code is
# the reporter's key): it is named by its number only.
OBJECTS: dict[str, tuple[Promise, str | None]] = {
    "cases.case": (_("case"), "register_number"),
    "cases.closure": (_("case"), "case__register_number"),
    "cases.consent": (_("case"), "case__register_number"),
    "cases.followup": (_("case"), "case__register_number"),
    "cases.serviceplanitem": (_("case"), "case__register_number"),
    "cases.attachment": (_("case"), "case__register_number"),
    "cases.note": (_("case"), "case__register_number"),
    "cases.incident": (_("case"), "case__register_number"),
    "referrals.referral": (_("referral"), "register_number"),
    "accounts.user": (_("user"), "username"),
    "accounts.organisation": (_("organisation"), "name"),
    "accounts.rolerequest": (_("role request"), None),
    "areas.area": (_("area"), "name"),
    "directory.provider": (_("service provider"), "name"),
    "mechanisms.decree": (_("decree"), "number"),
    "social.programme": (_("programme"), "name"),
    "people.person": (_("person"), None),
    "social.household": (_("household"), None),
    "public.publicreport": (_("public report"), None),
    "audit.auditevent": (_("audit trail"), None),
}

SYSTEM_LABELS: dict[str, Promise] = {
    "system": _("the system"),
    "public": _("a member of the public"),
}


@dataclass(frozen=True)
class EventView:
    """One event as a page or a file shows it."""

    event: AuditEvent
    title: str  # "Melihat kasus BHG-2/2026/0004"
    object_noun: str  # "kasus"
    object_label: str  # "BHG-2/2026/0004"; "#12" when nothing else names it
    actor: str  # the person's full name, else the username; "sistem" for the system
    organisation: str  # the organisation's name, "" for none


@cache
def _model_nouns() -> dict[str, object]:
    """``monthly_report`` → the model's verbose name (lazy: read in the reader's language),
    for an event that names no object."""
    return {
        model._meta.model_name or "": model._meta.verbose_name
        for model in apps.get_models()
        if model.__module__.startswith("sipakatau.")
    }


def _model(object_type: str) -> type[Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def noun(object_type: str, action: str) -> str:
    if object_type in OBJECTS:
        return str(OBJECTS[object_type][0])
    model = _model(object_type) if object_type else None
    if model is not None:
        return str(model._meta.verbose_name)
    prefix = action.split(".", 1)[0]
    return str(_model_nouns().get(prefix.replace("_", ""), prefix.replace("_", " ")))


def title(action: str, noun_text: str, object_label: str) -> str:
    """The event in words. Without an object the noun stands alone ("Melihat kasus")."""
    thing = f"{noun_text} {object_label}".strip()
    template = ACTIONS.get(action)
    if template is None:
        # "member_added" → added, "exported_pdf" → exported
        word = action.rsplit(".", 1)[-1]
        for candidate in (word, word.rsplit("_", 1)[-1], word.split("_", 1)[0]):
            template = VERBS.get(candidate)
            if template is not None:
                break
    if template is None:
        text = str(_("%(object)s: %(action)s")) % {"object": thing, "action": action}
        return text[:1].upper() + text[1:]
    text = (str(template) % {"object": thing}).strip()
    return text[:1].upper() + text[1:]


# Users and organisations are read once for a page, as actors and as objects alike.
USER = "accounts.user"
ORGANISATION = "accounts.organisation"


def _ids(events: list[AuditEvent], object_type: str) -> set[int]:
    return {
        int(event.object_id)
        for event in events
        if event.object_type == object_type and event.object_id.isdigit()
    }


def _object_names(events: list[AuditEvent]) -> dict[tuple[str, str], str]:
    """One query per kind of object on the page, not one per row."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for event in events:
        field = OBJECTS.get(event.object_type, (None, None))[1]
        if field and event.object_id.isdigit() and event.object_type not in (USER, ORGANISATION):
            wanted[event.object_type].add(int(event.object_id))
    names: dict[tuple[str, str], str] = {}
    for object_type, ids in wanted.items():
        model = _model(object_type)
        field = OBJECTS[object_type][1]
        if model is None or field is None:
            continue
        rows = model._default_manager.filter(pk__in=ids).values_list("pk", field)
        names.update({(object_type, str(pk)): str(name) for pk, name in rows if name})
    return names


def _people(
    events: list[AuditEvent],
) -> tuple[dict[int, tuple[str, str]], dict[int, str]]:
    """(full name, username) of each user and the name of each organisation on the page."""
    user_ids = {event.actor_id for event in events if event.actor_id is not None}
    user_ids |= _ids(events, USER)
    organisation_ids = {event.organisation_id for event in events if event.organisation_id}
    organisation_ids |= _ids(events, ORGANISATION)
    users: dict[int, tuple[str, str]] = {}
    organisations: dict[int, str] = {}
    if user_ids:
        user_rows = apps.get_model("accounts", "User")._default_manager.filter(pk__in=user_ids)
        users = {
            pk: (full_name, username)
            for pk, full_name, username in user_rows.values_list("pk", "full_name", "username")
        }
    if organisation_ids:
        organisation_model = apps.get_model("accounts", "Organisation")
        organisation_rows = organisation_model._default_manager.filter(pk__in=organisation_ids)
        organisations = dict(organisation_rows.values_list("pk", "name"))
    return users, organisations


def _actor(event: AuditEvent, users: dict[int, tuple[str, str]]) -> str:
    if event.actor_id is not None:
        full_name, username = users.get(event.actor_id, ("", ""))
        return full_name or username or event.actor_label or f"#{event.actor_id}"
    if event.actor_label in SYSTEM_LABELS:
        return str(SYSTEM_LABELS[event.actor_label])
    return event.actor_label or str(SYSTEM_LABELS["system"])


def describe(events: Iterable[AuditEvent]) -> list[EventView]:
    """The events in words, with their names looked up together (a fixed number of
    queries: users, organisations, one per kind of object)."""
    events = list(events)
    names = _object_names(events)
    users, organisations = _people(events)
    names.update({(USER, str(pk)): username for pk, (_full, username) in users.items()})
    names.update({(ORGANISATION, str(pk)): name for pk, name in organisations.items()})
    views = []
    for event in events:
        noun_text = noun(event.object_type, event.action)
        label = names.get((event.object_type, event.object_id), "")
        if not label and event.object_id:
            label = f"#{event.object_id}"
        views.append(
            EventView(
                event=event,
                title=title(event.action, noun_text, label),
                object_noun=noun_text,
                object_label=label,
                actor=_actor(event, users),
                organisation=organisations.get(event.organisation_id or 0, ""),
            )
        )
    return views
