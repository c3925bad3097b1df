"""Classification: the GBVIMS wizard, its derived case context, and TPKS offences.

GBVIMS asks about the act only, in a fixed order, and the first "yes" decides the type.
The type never changes which services are offered; it is for the statistics.
"""

from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sipakatau.accounts.models import Membership
from sipakatau.accounts.permissions import WORK_ON_CASES
from sipakatau.audit import services as audit

from ..codes import (
    ABDUCTED,
    AbductionType,
    GbvimsContext,
    GbvimsType,
    PartyRole,
    TpksOffence,
    is_intimate_partner,
)
from ..models import Case, Incident
from .common import require_case_access, require_open
from .deadlines import deadlines_on_trigger


@dataclass(frozen=True)
class Question:
    key: str
    text: object  # a lazy translation
    answer: GbvimsType


# The order is the standard's and matters: rape is asked before assault, and so on.
GBVIMS_QUESTIONS = (
    Question(
        "penetration",
        gettext_lazy(
            "Was there penetration, however slight, of the vagina, anus "
            "or mouth with a penis or other body part or object?"
        ),
        GbvimsType.RAPE,
    ),
    Question(
        "sexual_contact",
        gettext_lazy(
            "Was there other unwanted sexual contact, such "
            "as touching or kissing, without penetration?"
        ),
        GbvimsType.SEXUAL_ASSAULT,
    ),
    Question(
        "physical",
        gettext_lazy(
            "Was there physical violence: hitting, kicking, slapping, "
            "burning, choking, or an attack with a weapon?"
        ),
        GbvimsType.PHYSICAL_ASSAULT,
    ),
    Question(
        "forced_marriage",
        gettext_lazy(
            "Was the person married against their will, including any marriage of a child?"
        ),
        GbvimsType.FORCED_MARRIAGE,
    ),
    Question(
        "denial",
        gettext_lazy(
            "Was the person denied money, food, work, school, health "
            "care or other things that are theirs by right?"
        ),
        GbvimsType.DENIAL_OF_RESOURCES,
    ),
    Question(
        "psychological",
        gettext_lazy(
            "Was there threatening, humiliating, controlling "
            "or insulting that hurt the person emotionally?"
        ),
        GbvimsType.PSYCHOLOGICAL_ABUSE,
    ),
)


def gbvims_type_from(answers: Mapping[str, bool]) -> GbvimsType:
    """The first question answered "yes" decides; with none, the incident is non-GBV."""
    for question in GBVIMS_QUESTIONS:
        if answers.get(question.key):
            return question.answer
    return GbvimsType.NON_GBV


def gbvims_context_from(
    *,
    gbvims_type: str,
    relationships: Set[str],
    victim_is_child: bool,
    goods_exchanged: bool,
    abduction: bool,
    relation_details: Set[str] = frozenset(),
) -> list[str]:
    """Contexts are derived, never chosen (GBVIMS Incident Recorder rules).

    ``relationships`` are the SIMFONI categories of the case's links and
    ``relation_details`` their finer relations; sets suffice because a finer relation is
    only ever recorded under a category it fits (``perpetrator_link_set``)."""
    sexual = gbvims_type in {GbvimsType.RAPE, GbvimsType.SEXUAL_ASSAULT}
    contexts = []
    intimate = any(is_intimate_partner(code) for code in relationships) or any(
        is_intimate_partner("", detail) for detail in relation_details
    )
    if intimate and gbvims_type != GbvimsType.NON_GBV:
        contexts.append(GbvimsContext.INTIMATE_PARTNER)
    if sexual and victim_is_child:
        contexts.append(GbvimsContext.CHILD_SEXUAL_ABUSE)
    if gbvims_type == GbvimsType.FORCED_MARRIAGE and victim_is_child:
        contexts.append(GbvimsContext.EARLY_MARRIAGE)
    if sexual and goods_exchanged:
        contexts.append(GbvimsContext.SEXUAL_EXPLOITATION)
    if sexual and abduction:
        contexts.append(GbvimsContext.SEXUAL_SLAVERY)
    return [str(context) for context in contexts]


def context_inputs(
    links: Iterable[tuple[str, str]], victim_ages: Iterable[int | None]
) -> dict[str, Any]:
    """The arguments of ``gbvims_context_from`` that come from the people in the case:
    the (relationship, relation detail) of each perpetrator link, and the victims' ages
    at the time. One place, so that a classification, an edit and the recompute of old
    incidents (migration 0010) read the case the same way."""
    pairs = list(links)
    return {
        "relationships": {relationship for relationship, _detail in pairs},
        "relation_details": {detail for _relationship, detail in pairs if detail},
        "victim_is_child": any(age is not None and age < 18 for age in victim_ages),
    }


def incident_context_refresh(incident: Incident) -> bool:
    """Derive the incident's stored GBVIMS context again from its type and the case as it
    is now (a relation or an abduction recorded after the classification). Whether it
    changed; the caller saves and audits."""
    case = incident.case
    inputs = context_inputs(
        case.perpetrator_links.values_list("relationship", "relation_detail"),
        case.parties.filter(role=PartyRole.VICTIM).values_list("age_at_incident", flat=True),
    )
    contexts = (
        gbvims_context_from(
            gbvims_type=incident.gbvims_type,
            goods_exchanged=incident.goods_exchanged,
            abduction=incident.abduction,
            **inputs,
        )
        if incident.gbvims_type
        else []
    )
    changed = contexts != incident.gbvims_context
    incident.gbvims_context = contexts
    return changed


def incident_classify(
    *,
    actor: Membership,
    case: Case,
    answers: Mapping[str, bool],
    goods_exchanged: bool = False,
    abduction: bool | None = None,
    tpks_offences: list[str] | None = None,
) -> Incident:
    """``abduction`` None: the question was not asked (it is asked for sexual violence
    only), so what is recorded stays."""
    require_case_access(actor, case, WORK_ON_CASES)
    offences = list(dict.fromkeys(tpks_offences or []))
    unknown = [code for code in offences if code not in TpksOffence.values]
    if unknown:
        raise ValidationError({"tpks_offences": _("Choose the offences from the list.")})
    with transaction.atomic():
        require_open(case)
        incident, _created = Incident.objects.select_for_update().get_or_create(case=case)
        incident.gbvims_type = gbvims_type_from(answers)
        incident.goods_exchanged = goods_exchanged
        # The yes/no question and GBVIMS's type of abduction say one thing: "no" is type
        # None; "yes" keeps a type already recorded, else the type is left to be asked.
        if abduction is not None:
            incident.abduction = abduction
            if not abduction:
                incident.abduction_type = AbductionType.NONE
            elif incident.abduction_type not in ABDUCTED:
                incident.abduction_type = ""
        incident_context_refresh(incident)
        incident.tpks_offences = offences
        incident.save()
        audit.log(
            actor,
            "incident.classified",
            incident,
            fields=[
                "gbvims_type",
                "gbvims_context",
                "goods_exchanged",
                "abduction",
                "abduction_type",
                "tpks_offences",
            ],
        )
        if incident.is_sexual_violence:
            deadlines_on_trigger(case=case, trigger="sexual_violence")
    return incident
