"""Every write to the service directory: the entries (providers.py) and the spreadsheet
import (importing.py)."""

from .importing import IMPORT_COLUMNS, ImportResult, directory_import
from .providers import (
    provider_create,
    provider_set_active,
    provider_set_services,
    provider_update,
)

__all__ = [
    "IMPORT_COLUMNS",
    "ImportResult",
    "directory_import",
    "provider_create",
    "provider_set_active",
    "provider_set_services",
    "provider_update",
]
