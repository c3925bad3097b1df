"""Mechanisms built through the real services, for tests of every layer (views, API, the
access policy, the case module's activation)."""

from datetime import date

from sipakatau.accounts.models import Membership, Organisation, Role
from tests.factories import make_user

from .. import services
from ..codes import CommentStatus, Status
from ..models import Mechanism, MechanismVersion


def officer(organisation: Organisation, *, signs: bool = False) -> Membership:
    """A kelurahan officer of ``organisation`` (the Lurah when ``signs``)."""
    user = make_user(organisation, Role.VILLAGE_OFFICER, is_signatory=signs)
    return Membership.objects.get(user=user, organisation=organisation)


def draft_version(organisation: Organisation) -> MechanismVersion:
    """The working version of the kelurahan the organisation covers, started from the
    template when there is none yet."""
    mechanism = Mechanism.objects.filter(area=organisation.area).first()
    if mechanism is None:
        return services.mechanism_start(actor=officer(organisation), area=organisation.area)
    version = mechanism.versions.order_by("-number").first()
    assert version is not None
    return version


def approved_version(organisation: Organisation) -> MechanismVersion:
    version = draft_version(organisation)
    lurah = officer(organisation, signs=True)
    if version.status == Status.DRAFT:
        version = services.version_transition(actor=lurah, version=version, to=Status.IN_DISCUSSION)
    if version.status == Status.IN_DISCUSSION:
        for comment in version.comments.exclude(status=CommentStatus.RESOLVED).filter(
            reply_to__isnull=True
        ):
            services.comment_resolve(actor=lurah, comment=comment)
        version = services.version_transition(actor=lurah, version=version, to=Status.APPROVED)
    return version


def issued_version(organisation: Organisation, *, on: date | None = None) -> MechanismVersion:
    """The kelurahan's active version, issued as a decree when there is none yet."""
    mechanism = Mechanism.objects.filter(area=organisation.area).first()
    if mechanism is not None:
        issued = mechanism.versions.filter(status=Status.ISSUED).first()
        if issued is not None:
            return issued
    version = approved_version(organisation)
    services.decree_issue(
        actor=officer(organisation, signs=True),
        version=version,
        issued_on=on or date(2026, 11, 2),
        signer_name="Andi Lurah",
        signer_nip="198001012005011001",
        base_url="http://testserver",
    )
    version.refresh_from_db()
    return version


def set_first_contact_deadlines(
    version: MechanismVersion, organisation: Organisation, hours: dict[str, int]
) -> None:
    """Give the version's first-contact step these deadlines, in hours per risk level
    ("" is the rule for every other level), as the kelurahan's officer would."""
    step = version.steps.get(action="first_contact")
    services.step_save(
        actor=officer(organisation),
        version=version,
        step=step,
        title=step.title,
        description=step.description,
        responsible=step.responsible,
        action=step.action,
        trigger=step.trigger,
        escalate_to=step.escalate_to,
        deadlines=[
            services.DeadlineInput(risk_level=risk, amount=amount, unit="hours")
            for risk, amount in hours.items()
        ],
    )
