"""Data entry through the API (/api/v1/mapping/drafts…): what the phone pages do, for a
client that keeps its own screens. Registered on the mapping router by ``api.py``.

A draft's ``answers`` map a question's path (``group/name``) to its value (a list for a
select_multiple; a repeat's path to a list of such maps). Errors are the project's 422
shape, ``field`` naming the question (``repeat/name#2`` for the second instance)."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Schema, Status

from sipakatau.accounts.access import acting
from sipakatau.lib.api_types import JsonInt

from . import queries, services
from .api import router
from .models import ResponseDraft


class DraftIn(Schema):
    rw: str
    rt: str
    household_id: JsonInt | None = None
    # The client's own id for this visit: sending the same key again returns the same
    # draft (a retry after the network dropped).
    key: str = ""
    answers: dict[str, Any] = {}


class DraftUpdateIn(Schema):
    answers: dict[str, Any] = {}
    rw: str | None = None
    rt: str | None = None
    household_id: JsonInt | None = None


class DraftOut(Schema):
    id: int
    questionnaire_id: int
    key: str
    rw: str
    rt: str
    household_id: int | None
    status: str
    position: int
    saved_at: datetime
    submission_id: int | None
    answers: dict[str, Any]


class DraftRowOut(Schema):
    id: int
    questionnaire_id: int
    questionnaire_title: str
    rw: str
    rt: str
    status: str
    saved_at: datetime


class SubmittedOut(Schema):
    draft_id: int
    submission_id: int
    submitted_at: datetime


def _out(draft: ResponseDraft) -> dict[str, Any]:
    return {
        "id": draft.pk,
        "questionnaire_id": draft.questionnaire_id,
        "key": draft.key,
        "rw": draft.rw,
        "rt": draft.rt,
        "household_id": draft.household_id,
        "status": draft.status,
        "position": draft.position,
        "saved_at": draft.saved_at,
        "submission_id": draft.submission_id,
        "answers": draft.answers,
    }


@router.get("/drafts", response=list[DraftRowOut], summary="My unsent responses")
def draft_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": d.pk,
            "questionnaire_id": d.questionnaire_id,
            "questionnaire_title": d.questionnaire.title,
            "rw": d.rw,
            "rt": d.rt,
            "status": d.status,
            "saved_at": d.saved_at,
        }
        for d in queries.open_drafts_visible_to(acting(request))
    ]


@router.post(
    "/questionnaires/{questionnaire_id}/drafts",
    response={201: DraftOut},
    summary="Start a response (the same key again returns the same draft)",
)
def draft_create(
    request: HttpRequest, questionnaire_id: int, payload: DraftIn
) -> Status[dict[str, Any]]:
    membership = acting(request)
    questionnaire = queries.questionnaire_for(membership, questionnaire_id)
    draft = services.draft_start(
        actor=membership,
        questionnaire=questionnaire,
        rw=payload.rw,
        rt=payload.rt,
        household_id=payload.household_id,
        key=payload.key,
    )
    if payload.answers:
        draft = services.draft_save(actor=membership, draft=draft, answers=payload.answers)
    return Status(201, _out(draft))


@router.get("/drafts/{draft_id}", response=DraftOut, summary="One of my responses")
def draft_detail(request: HttpRequest, draft_id: int) -> dict[str, Any]:
    return _out(queries.draft_for(acting(request), draft_id))


@router.put(
    "/drafts/{draft_id}",
    response=DraftOut,
    summary="Save answers into a draft (only the questions sent; refused whole on an error)",
)
def draft_update(request: HttpRequest, draft_id: int, payload: DraftUpdateIn) -> dict[str, Any]:
    membership = acting(request)
    draft = queries.draft_for(membership, draft_id)
    place = None
    if payload.rw is not None or payload.rt is not None:
        place = (
            payload.rw if payload.rw is not None else draft.rw,
            payload.rt if payload.rt is not None else draft.rt,
            payload.household_id,
        )
    draft = services.draft_save(actor=membership, draft=draft, answers=payload.answers, place=place)
    return _out(draft)


@router.post(
    "/drafts/{draft_id}/submit",
    response={201: SubmittedOut},
    summary="Send the response (sending it again returns the same submission)",
)
def draft_submit(request: HttpRequest, draft_id: int) -> Status[dict[str, Any]]:
    membership = acting(request)
    draft = queries.draft_for(membership, draft_id)
    submission = services.draft_submit(actor=membership, draft=draft)
    return Status(
        201,
        {
            "draft_id": draft.pk,
            "submission_id": submission.pk,
            "submitted_at": submission.submitted_at,
        },
    )
