"""The social-protection API (/api/v1/social): everything the pages do, through the same
services and scoped queries. Out of scope answers 404; a refused write 422 (the
service's ValidationError) or 403 (a verb this membership may not take)."""

# Each module adds its operations to the one router when imported.
from . import batches, households, screening
from .common import router

__all__ = ["batches", "households", "router", "screening"]
