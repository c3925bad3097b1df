"""The referrals API (/api/v1/referrals): everything the referral pages do, through the
same services and scoped queries. A recipient gets the projection only — no case id, no
reason, nothing the sender kept for itself. Out of scope answers 404; a refused write
answers 422 (or 403 for a side that may read but not do it)."""

# Each module adds its operations to the one router when imported.
from . import reads, writes
from .common import router

__all__ = ["reads", "router", "writes"]
