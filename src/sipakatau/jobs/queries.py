"""Reads of prepared files: a file is reached by the membership that asked for it, by
nobody else (404, so that nobody learns that it exists)."""

from django.http import Http404

from sipakatau.accounts.models import Membership

from .models import PreparedFile


def prepared_file_for(membership: Membership, pk: int) -> PreparedFile:
    prepared = PreparedFile.objects.filter(pk=pk, membership=membership).defer("content").first()
    if prepared is None:
        raise Http404
    return prepared
