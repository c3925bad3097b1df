"""The mechanisms API (/api/v1/mechanisms): everything the pages do."""

from ninja import Router

router = Router(tags=["mechanisms"])
