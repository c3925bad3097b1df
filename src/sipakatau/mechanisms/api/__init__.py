"""The mechanisms API (/api/v1/mechanisms): everything the mechanism pages do, through the
same services and scoped queries. Out of scope answers 404; a reader who may not do a
write answers 403; a refused write answers 422 with the service's message per field."""

# Each module adds its operations to the one router when imported.
from . import discussion, drafting, lifecycle
from .common import router

__all__ = ["discussion", "drafting", "lifecycle", "router"]
