"""An API write sent with an ``Idempotency-Key`` header is done once, however often it
is sent.

A phone on a weak signal, or a script whose connection dropped, cannot know whether its
write was done; it sends it again with the same key. The first send claims the key (a
unique row), runs the view and keeps the answer **in the same transaction as the write**:
either both are committed or neither is. So a retry finds the answer of a write that
was done (even if the server died before replying) and replays it, or finds nothing and
does the write now. Two sends at the same moment: the second waits on the first's row
lock and then replays its answer.

Only answers that did something (2xx) are kept; a refusal frees the key, so the
corrected request can be sent with it again. The same key with another method, path or
body is refused (422). The key belongs to the bearer token that sent it; an anonymous
request (a public report, which keeps its own key in ``public.services``) is left alone.

This is the one place where a transaction is wider than a service's: the claim must be
committed with the write or not at all. Without the header nothing changes.
"""

import hashlib
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from .models import ApiReplay

Handler = Callable[[HttpRequest], HttpResponse]
HEADER = "Idempotency-Key"
WRITES = ("POST", "PUT", "PATCH", "DELETE")
API = "/api/v1/"
KEEP = timedelta(days=1)
MAX_KEY = 200


def _owner(request: HttpRequest) -> str | None:
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return "t:" + salted_hmac("sipakatau.idempotency", token.strip()).hexdigest()[:60]


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (request.method or "", request.get_full_path()):
        digest.update(part.encode() + b"\0")
    digest.update(request.body)
    return digest.hexdigest()


def _refused(detail: str, code: str) -> HttpResponse:
    return JsonResponse({"detail": detail, "code": code}, status=422)


def _replay(replay: ApiReplay) -> HttpResponse:
    response = HttpResponse(replay.body, status=replay.status, content_type="application/json")
    response["Idempotent-Replayed"] = "true"
    return response


def api_idempotency(get_response: Handler) -> Handler:
    def middleware(request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if key is None or request.method not in WRITES or not request.path.startswith(API):
            return get_response(request)
        owner = _owner(request)
        if owner is None:
            return get_response(request)
        if not 1 <= len(key) <= MAX_KEY:
            return _refused(_("Send an Idempotency-Key of 1 to 200 characters."), "invalid_key")
        hashed = hashlib.sha256(key.encode()).hexdigest()
        fingerprint = _fingerprint(request)
        now = timezone.now()
        with transaction.atomic():
            try:
                with transaction.atomic():
                    claim = ApiReplay.objects.create(
                        owner=owner, key=hashed, fingerprint=fingerprint, status=0, created_at=now
                    )
            except IntegrityError:
                claim = None
            if claim is None:
                # Committed by an earlier send: on PostgreSQL the insert above waited
                # for it; on SQLite the transaction waited for the write lock.
                earlier = ApiReplay.objects.get(owner=owner, key=hashed)
                if earlier.fingerprint != fingerprint:
                    return _refused(
                        _("This Idempotency-Key was used for another request."), "key_reused"
                    )
                return _replay(earlier)
            response = get_response(request)
            if 200 <= response.status_code < 300 and not response.streaming:
                claim.status = response.status_code
                claim.body = response.content.decode()
                claim.save(update_fields=["status", "body"])
            else:
                claim.delete()
        ApiReplay.objects.filter(created_at__lt=now - KEEP).delete()
        return response

    return middleware
