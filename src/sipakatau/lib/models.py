"""Rows that belong to no domain."""

from django.db import models

from .fields import EncryptedTextField


class ApiReplay(models.Model):
    """An API write sent with an ``Idempotency-Key``, and the answer it got (see
    ``lib.idempotency``). Stored in the same transaction as the write itself, so a
    retry after a lost answer (a dropped connection, a server killed mid-reply) is
    answered from here and the write is never done twice. Kept for a day."""

    # Whose key: "t:" and a keyed hash of the bearer token (never the token itself).
    owner = models.CharField(max_length=64)
    # SHA-256 of the client's key (any string of 1 to 200 characters).
    key = models.CharField(max_length=64)
    # SHA-256 of the method, path and body: the same key with another request is refused.
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    # The JSON answer, encrypted like any personal data: it may name a person.
    body = EncryptedTextField(blank=True, default="")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="one_api_replay_per_owner_key")
        ]
        indexes = [models.Index(fields=["created_at"], name="lib_apireplay_created_idx")]

    def __str__(self) -> str:
        return f"API replay {self.status}"
