"""Bearer tokens for the JSON API: issued after password and second factor, short-lived,
bound to one membership, and kept only as a hash.

The credential check goes through ``django.contrib.auth.authenticate`` so that the same
lockout (django-axes) protects the API as the sign-in page, and every wrong part — the
username, the password or the code — fails the same way.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from sipakatau.audit import services as audit

from . import lockout, queries
from .models import ApiToken, Membership, User

# A recognisable prefix lets secret scanners (and people) tell a leaked token at a glance.
TOKEN_PREFIX = "spk_"  # noqa: S105 (a prefix, not a secret)
TOKEN_MAX_LENGTH = 100
# last_used_at is for people reviewing tokens, not for accounting: writing it on every
# request would turn each read into a write.
LAST_USED_PRECISION = timedelta(minutes=1)


# The refusals of a sign-in with password and code (named here for the API's callers).
CredentialsRefused = lockout.CredentialsRefused
LockedOut = lockout.LockedOut


@dataclass(frozen=True)
class IssuedToken:
    api_token: ApiToken
    # The only time the token exists in clear: it is returned to the caller and forgotten.
    token: str


def token_hash(token: str) -> str:
    # A token carries 256 random bits, so a plain SHA-256 cannot be reversed or guessed;
    # no slow hash is needed (unlike a password).
    return hashlib.sha256(token.encode()).hexdigest()


def api_credentials_check(*, request: HttpRequest, username: str, password: str, code: str) -> User:
    """The user with these credentials, or ``CredentialsRefused`` / ``LockedOut``: the
    password and the code are checked together (accounts.lockout.credentials_check)."""
    user, _device = lockout.credentials_check(
        request=request, username=username, password=password, code=code
    )
    return user


def api_membership_choose(*, user: User, membership_id: int | None) -> Membership:
    """The membership a new token acts through: the one asked for, or the first."""
    memberships = queries.memberships_of(user)
    chosen = (
        memberships.filter(pk=membership_id).first()
        if membership_id is not None
        else memberships.first()
    )
    if chosen is None:
        raise ValidationError({"membership_id": _("You have no active role in this organisation.")})
    return chosen


def api_token_issue(*, membership: Membership) -> IssuedToken:
    user = membership.user
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        api_token = ApiToken.objects.create(
            user=user,
            membership=membership,
            token_hash=token_hash(token),
            session_version=user.session_version,
            expires_at=now + timedelta(hours=settings.SIPAKATAU_API_TOKEN_HOURS),
        )
        audit.log(membership, "api.token_issued", api_token, fields=["membership", "expires_at"])
    return IssuedToken(api_token=api_token, token=token)


def api_token_revoke(*, api_token: ApiToken) -> ApiToken:
    if api_token.revoked_at is not None:
        return api_token
    with transaction.atomic():
        api_token.revoked_at = timezone.now()
        api_token.save(update_fields=["revoked_at"])
        audit.log(api_token.membership, "api.token_revoked", api_token, fields=["revoked_at"])
    return api_token


def api_token_resolve(token: str) -> ApiToken | None:
    """The live token for a bearer value, or None: unknown, expired, revoked, or its user,
    membership or organisation no longer active, or the user's sessions were ended."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > TOKEN_MAX_LENGTH:
        return None
    api_token = (
        ApiToken.objects.select_related("user", "membership__organisation__area")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if api_token is None:
        return None
    now = timezone.now()
    user = api_token.user
    membership = api_token.membership
    if (
        api_token.revoked_at is not None
        or api_token.expires_at <= now
        or not user.is_active
        or user.session_version != api_token.session_version
        or membership.user_id != user.pk
        or not membership.is_active
        or not membership.organisation.is_active
    ):
        return None
    membership.user = user  # one row, already fetched
    if api_token.last_used_at is None or now - api_token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        api_token.last_used_at = now
    return api_token
