"""Model fields whose values are stored encrypted (see ``lib.crypto``).

Each field encrypts on the way to the database and decrypts on the way back; the model
sees plain values. The associated data is the model's label and the field's name
(``people.Person.name``), bound in ``contribute_to_class``, so a ciphertext copied into
another column or another model fails to decrypt with ``DecryptionError``.

What they cannot do, by design:

- **No filtering or ordering.** Every encryption uses a fresh random nonce, so equal
  values give different ciphertexts; only ``isnull`` lookups are allowed, every other
  lookup is refused with FieldError. ``order_by`` on these fields is not refused by
  Django but orders by ciphertext, which is meaningless. Search with a blind index
  (``lib.blind_index``) instead.
- **No unique or db_index.** Refused by a system check, for the same reason.
- **No renaming without a migration of the data.** The field name is part of the
  associated data; renaming the field or the model makes old values undecryptable until
  they are re-encrypted under the new name.
"""

import json
from datetime import date
from typing import Any

from django import forms
from django.core import checks
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Combinable
from django.db.models.lookups import IsNull

from .crypto import field_key_ring

_DATE = models.DateField()  # only its to_python: the parsing rules of a normal date field


class EncryptedMixin:
    """Shared by the encrypted fields; ``rotate_keys`` finds fields by this class."""

    label: str = ""  # set in contribute_to_class: "<app_label>.<Model>.<field>"

    # Subclasses turn the Python value into text and back.
    def to_text(self, value: Any) -> str:
        raise NotImplementedError

    def from_text(self, text: str) -> Any:
        raise NotImplementedError

    def contribute_to_class(
        self, cls: type[models.Model], name: str, *args: Any, **kwargs: Any
    ) -> None:
        super().contribute_to_class(cls, name, *args, **kwargs)  # type: ignore[misc]
        self.label = f"{cls._meta.label}.{name}"

    def encrypt(self, value: Any) -> str | None:
        if value is None:
            return None
        return field_key_ring().encrypt(self.to_text(value), label=self.label)

    def decrypt(self, token: str | None) -> Any:
        if token is None:
            return None
        return self.from_text(field_key_ring().decrypt(token, label=self.label))

    def get_db_prep_value(
        self, value: Any, connection: BaseDatabaseWrapper, prepared: bool = False
    ) -> Any:
        # Encrypt here rather than in get_db_prep_save: bulk_update() sends values through
        # get_db_prep_value only, and must not write plaintext.
        if hasattr(value, "as_sql"):
            return value
        return self.encrypt(self.to_python(value))  # type: ignore[attr-defined]

    def from_db_value(
        self, value: str | None, expression: Any, connection: BaseDatabaseWrapper
    ) -> Any:
        return self.decrypt(value)

    def get_lookup(self, lookup_name: str) -> Any:
        # Each value has its own random nonce, so no comparison on ciphertext can ever
        # match: refuse every lookup but isnull, so a mistaken filter fails loudly instead
        # of silently finding nobody (and a missed duplicate victim record).
        return IsNull if lookup_name == "isnull" else None

    def get_transform(self, lookup_name: str) -> Any:
        return None

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors: list[checks.CheckMessage] = super().check(**kwargs)  # type: ignore[misc]
        if getattr(self, "unique", False) or getattr(self, "db_index", False):
            errors.append(
                checks.Error(
                    "An encrypted field cannot be unique or indexed: equal values encrypt "
                    "differently. Add a blind index instead.",
                    obj=self,
                    id="sipakatau.E001",
                )
            )
        return errors


class EncryptedTextField(EncryptedMixin, models.TextField):
    description = "Text stored encrypted"

    def to_text(self, value: Any) -> str:
        return str(value)

    def from_text(self, text: str) -> str:
        return text


class EncryptedDateField(EncryptedMixin, models.TextField):
    """A date, stored as encrypted ISO text (a birth date identifies a person)."""

    # What the django-stubs plugin reports as this field's Python type on a model.
    _pyi_private_set_type: date | str | Combinable  # type: ignore[assignment]
    _pyi_private_get_type: date  # type: ignore[assignment]

    description = "Date stored encrypted"

    def to_text(self, value: Any) -> str:
        return str(value.isoformat())

    def from_text(self, text: str) -> date:
        return date.fromisoformat(text)

    def to_python(self, value: Any) -> date | None:
        return _DATE.to_python(value)

    def formfield(self, **kwargs: Any) -> Any:
        return super().formfield(**{"form_class": forms.DateField, **kwargs})


class EncryptedJSONField(EncryptedMixin, models.TextField):
    """Any JSON value, stored as encrypted canonical JSON text."""

    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    description = "JSON stored encrypted"

    def to_text(self, value: Any) -> str:
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)

    def from_text(self, text: str) -> Any:
        return json.loads(text)

    def to_python(self, value: Any) -> Any:
        return value

    def formfield(self, **kwargs: Any) -> Any:
        return super().formfield(**{"form_class": forms.JSONField, **kwargs})
