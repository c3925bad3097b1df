"""Signals the cases app sends where a model signal cannot: deadlines met or moved in one
UPDATE (``services.deadlines``). The statistics rollups listen (``reports.staleness``)."""

from django.dispatch import Signal

# Sent with ``case``: some of its deadlines were met or moved.
deadlines_changed = Signal()
