"""Every state-changing form is done once, however often it is sent.

Each rendered POST form carries a fresh key (``{% csrf_token %}`` writes it, see
``lib.templatetags.once``). The first send of a key claims it (a unique row, so two
sends at the same moment cannot both win), runs the view, and keeps where it led. A
later send of the same key does not run the view: it is sent where the first one led,
or, while the first is still running, waits for it. A send that did not end in a
redirect (a form with errors, a refusal, a download) frees its key, so the corrected
form can be sent again.

Forms that send a file (multipart) are left out: their views read the upload themselves
(the public report form has its own key, ``public.services``).

The key is the sender's: a signed-in person's, or, for a reporter following her report,
her browser session's (by a keyed hash, never the session key itself). The sign-in forms
are left to their own rules (``axes``); a visitor without a session sends as before.
"""

import re
import time
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import salted_hmac

from sipakatau.lib.templatetags.once import FIELD

from .models import SentForm

Handler = Callable[[HttpRequest], HttpResponse]
KEY = re.compile(r"^[0-9a-f]{32}$")
KEEP = timedelta(days=1)
# How long a second send waits for the first one to finish, polling every STEP seconds.
WAIT, STEP = 15.0, 0.25
URLENCODED = "application/x-www-form-urlencoded"
# Signing in, verifying and signing out keep their own rules.
_ANONYMOUS_SKIPPED = ("/akun/",)


def owner_of(request: HttpRequest) -> str | None:
    if request.user.is_authenticated:
        return f"u:{request.user.pk}"
    session_key = request.session.session_key
    if session_key and not request.path.startswith(_ANONYMOUS_SKIPPED):
        return "s:" + salted_hmac("sipakatau.once", session_key).hexdigest()[:60]
    return None


def _claim(owner: str, request: HttpRequest, key: str) -> bool:
    now = timezone.now()
    try:
        with transaction.atomic():
            SentForm.objects.create(owner=owner, key=key, path=request.path[:255], sent_at=now)
    except IntegrityError:
        return False
    SentForm.objects.filter(owner=owner, sent_at__lt=now - KEEP).delete()
    return True


def send_once(get_response: Handler) -> Handler:
    def handle(request: HttpRequest, owner: str, key: str) -> HttpResponse:
        sent = SentForm.objects.filter(owner=owner, key=key)
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

    def second_send(request: HttpRequest, owner: str, key: str) -> HttpResponse:
        """Where the first send led; or, if the first one gave up its key, this one runs."""
        deadline = time.monotonic() + WAIT
        while True:
            first = SentForm.objects.filter(owner=owner, key=key).first()
            if first is None and _claim(owner, request, key):
                return handle(request, owner, key)
            if first is not None and first.location:
                return HttpResponseRedirect(first.location)
            if time.monotonic() > deadline:
                return render(request, "errors/409.html", status=409)
            time.sleep(STEP)

    def middleware(request: HttpRequest) -> HttpResponse:
        # A file upload's body is left for its view to read: some views must choose how
        # it is read before anything touches it (the decree check hashes it in memory).
        if request.method != "POST" or request.content_type != URLENCODED:
            return get_response(request)
        owner = owner_of(request)
        key = request.POST.get(FIELD, "") if owner is not None else ""
        if owner is None or not KEY.match(key):
            return get_response(request)
        if not _claim(owner, request, key):
            return second_send(request, owner, key)
        return handle(request, owner, key)

    return middleware
