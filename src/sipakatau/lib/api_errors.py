"""The shape of every API error that the API's own handlers do not make (unknown
address, wrong method): ``{"detail": ..., "code": ...}`` like the rest."""

from django.http import JsonResponse


def api_error(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=status)
