"""What the mechanism pages share: the way back to a version, and the guard that makes
a form sent twice (a double tap on a slow phone) do its work once."""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from sipakatau.lib.forms import apply_service_errors

from ..models import MechanismVersion

# The keys of forms already done, newest last, kept in the session with where the first
# send led. The services add a row each time they are called (a step, a comment, a
# meeting), so without this a double tap would add it twice.
SESSION_KEY = "mechanisms_forms_done"
KEEP = 50


def to_version(version: MechanismVersion | int, anchor: str = "") -> HttpResponse:
    pk = version if isinstance(version, int) else version.pk
    response = redirect("mechanisms:version_detail", pk=pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _mark(request: HttpRequest, key: str, location: str | None) -> None:
    """Note where the form ``key`` led (None: forget it, so the corrected form may be sent
    with the same key)."""
    if not key:
        return
    done = dict(request.session.get(SESSION_KEY, {}))
    done.pop(key, None)
    if location is not None:
        done[key] = location
    while len(done) > KEEP:
        done.pop(next(iter(done)))
    request.session[SESSION_KEY] = done
    # Saved at once, not when the response leaves, so that a second send arriving a
    # moment later already finds the key.
    request.session.save()


def save_once(
    request: HttpRequest,
    form: Form,
    version: MechanismVersion,
    save: Callable[[], HttpResponse],
) -> HttpResponse | None:
    """Run ``save`` (the service call, answering with a redirect) once per form key.

    A repeated send goes where the first one led (to the version while the first is
    still running). A refusal of the service shows on the form and frees the key: the
    answer is then None and the view shows the form again."""
    key = str(form.cleaned_data.get("form_key") or "")
    if key and (first := request.session.get(SESSION_KEY, {}).get(key)):
        return redirect(first)
    _mark(request, key, to_version(version)["Location"])
    try:
        response = save()
    except ValidationError as error:
        _mark(request, key, None)
        apply_service_errors(form, error)
        return None
    _mark(request, key, response["Location"])
    return response
