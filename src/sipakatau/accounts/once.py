"""Every state-changing staff form is done once, however often it is sent.

Each rendered POST form carries a fresh key (``{% csrf_token %}`` writes it, see
``lib.templatetags.once``). The first send of a key claims it (a unique row, so two
sends at the same moment cannot both win), runs the view, and keeps where it led. A
later send of the same key does not run the view: it is sent where the first one led,
or, while the first is still running, waits for it. A send that did not end in a
redirect (a form with errors, a refusal, a download) frees its key, so the corrected
form can be sent again.

Signed-in staff only: the public's report form and the sign-in forms have their own
rules (``public.services``, ``axes``).
"""

import re
import time
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone

from sipakatau.lib.templatetags.once import FIELD

from .models import SentForm

Handler = Callable[[HttpRequest], HttpResponse]
KEY = re.compile(r"^[0-9a-f]{32}$")
KEEP = timedelta(days=1)
# How long a second send waits for the first one to finish, polling every STEP seconds.
WAIT, STEP = 15.0, 0.25


def _claim(request: HttpRequest, key: str) -> bool:
    now = timezone.now()
    try:
        with transaction.atomic():
            SentForm.objects.create(
                user_id=int(request.user.pk or 0), key=key, path=request.path[:255], sent_at=now
            )
    except IntegrityError:
        return False
    SentForm.objects.filter(user_id=int(request.user.pk or 0), sent_at__lt=now - KEEP).delete()
    return True


def _second_send(request: HttpRequest, key: str, handle: Handler) -> HttpResponse:
    """Where the first send led; or, if the first one gave up its key, this one runs."""
    deadline = time.monotonic() + WAIT
    while True:
        first = SentForm.objects.filter(user_id=int(request.user.pk or 0), key=key).first()
        if first is None and _claim(request, key):
            return handle(request)
        if first is not None and first.location:
            return HttpResponseRedirect(first.location)
        if time.monotonic() > deadline:
            return render(request, "errors/409.html", status=409)
        time.sleep(STEP)


def send_once(get_response: Handler) -> Handler:
    def handle(request: HttpRequest) -> HttpResponse:
        key = request.POST.get(FIELD, "")
        sent = SentForm.objects.filter(user_id=int(request.user.pk or 0), key=key)
        try:
            response = get_response(request)
        except BaseException:
            sent.delete()
            raise
        if response.status_code in (301, 302, 303) and response.get("Location"):
            sent.update(location=response["Location"][:500])
        else:
            sent.delete()
        return response

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.method != "POST" or not request.user.is_authenticated:
            return get_response(request)
        key = request.POST.get(FIELD, "")
        if not KEY.match(key):
            return get_response(request)
        if not _claim(request, key):
            return _second_send(request, key, handle)
        return handle(request)

    return middleware
