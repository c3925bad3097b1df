"""Pieces that the apps' services share."""

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def model_update(
    *, instance: M, fields: Iterable[str], data: Mapping[str, Any]
) -> tuple[M, list[str]]:
    """Set those of ``fields`` found in ``data`` whose value differs, validate the instance
    and save only what changed. Returns the instance and the names of the changed fields,
    in the order of ``fields`` (empty when nothing changed and nothing was written), for
    the caller to audit.

    As HackSoft's ``common/services.py::model_update``. A field with ``auto_now`` (such as
    ``updated_at``) is saved along with any change. Many-to-many fields are the caller's.
    """
    changed = [name for name in fields if name in data and getattr(instance, name) != data[name]]
    if not changed:
        return instance, changed
    for name in changed:
        setattr(instance, name, data[name])
    instance.full_clean()
    stamped = [
        field.name
        for field in instance._meta.concrete_fields
        if getattr(field, "auto_now", False) and field.name not in changed
    ]
    instance.save(update_fields=[*changed, *stamped])
    return instance, changed
