"""The cases API (/api/v1/cases): everything the case pages do, through the same services
and scoped queries. Out of scope answers 404; a refused write answers 422 with the
service's message per field."""

# Each module adds its operations to the one router when imported.
from . import care, intake, reads, workflow
from .common import router

__all__ = ["care", "intake", "reads", "router", "workflow"]
