"""Write the data dictionary from the models:
``manage.py data_dictionary > docs/data-dictionary.md``.

Generated, never hand-edited, so it cannot drift from the code; a test compares the
committed file with a fresh run.
"""

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import models
from django.utils import translation

from sipakatau.lib.fields import EncryptedMixin

HEADER = """# Data dictionary

Generated from the models by `manage.py data_dictionary > docs/data-dictionary.md`; do not
edit by hand. **Protection** says how a value is kept: *encrypted* (AES-256-GCM per field,
see security.md), *blind index* (a keyed HMAC used only to find equal values), or empty
for plain columns. Terms: see [glossary.md](glossary.md).
"""


def _kind(field: models.Field) -> str:
    if isinstance(field, EncryptedMixin):
        return "encrypted"
    if field.name.endswith("_index") or field.name == "token_hash":
        return "blind index"
    return ""


def _type(field: models.Field) -> str:
    if field.is_relation and field.related_model is not None:
        target = field.related_model._meta.label
        return f"{'many to many' if field.many_to_many else 'link'} → {target}"
    name = type(field).__name__.replace("Field", "")
    if field.choices:
        codes = ", ".join(str(value) for value, _label in field.flatchoices)
        return f"{name}: {codes}" if len(codes) < 160 else f"{name} (code list)"
    return name


class Command(BaseCommand):
    help = "Print the data dictionary (Markdown) of every Sipakatau model."

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("en"):
            self.stdout.write(render())


def render() -> str:
    lines = [HEADER]
    for config in sorted(apps.get_app_configs(), key=lambda c: c.name):
        if not config.name.startswith("sipakatau."):
            continue
        app_models = sorted(config.get_models(), key=lambda m: m.__name__)
        if not app_models:
            continue
        lines.append(f"\n## {config.label}: {config.verbose_name}\n")
        for model in app_models:
            meta = model._meta
            doc = (model.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
            if doc.startswith(f"{model.__name__}("):
                doc = ""
            lines.append(f"\n### {model.__name__} (`{meta.db_table}`)\n")
            if doc:
                lines.append(f"\n{doc}\n")
            lines.append(
                "\n| field | meaning | type | protection | empty allowed |\n|---|---|---|---|---|\n"
            )
            for field in meta.get_fields():
                if field.auto_created and not field.concrete:
                    continue
                meaning = str(getattr(field, "verbose_name", "")).replace("|", "/")
                empty = (
                    "yes" if getattr(field, "null", False) or getattr(field, "blank", False) else ""
                )
                lines.append(
                    f"| `{field.name}` | {meaning} | {_type(field)} | {_kind(field)} | {empty} |\n"  # type: ignore[arg-type]
                )
    return "".join(lines)
