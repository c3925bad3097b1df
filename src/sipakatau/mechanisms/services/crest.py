"""The regional crest (lambang daerah) in the letterhead: uploaded by the office that
keeps a village's mechanism settings, for the city or regency the village lies in.

Who may: the kelurahan (or desa) officer who sets the decree numbering and the kop's
contact line (``queries.may_draft``), for the city of that office. The crest is the city's
public symbol, printed by every village office in it, so each upload is in the audit trail.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sipakatau.accounts.models import Membership
from sipakatau.areas.crest import city_of, clean_crest
from sipakatau.areas.models import RegionalCrest
from sipakatau.audit import services as audit
from sipakatau.lib.uploads import UploadError

from ..models import Mechanism
from .common import require_drafter


def regional_crest_set(
    *, actor: Membership, mechanism: Mechanism, filename: str, data: bytes
) -> RegionalCrest:
    """Store the crest of the mechanism's city or regency (replacing the one before), as
    checked and re-encoded PNG. A refused file changes nothing."""
    require_drafter(actor, mechanism)
    city = city_of(mechanism.area)
    if city is None:
        raise ValidationError(
            {"file": _("This village lies in no city or regency of the area list.")}
        )
    try:
        png, width, height = clean_crest(filename=filename, data=data)
    except UploadError as error:
        raise ValidationError({"file": str(error)}) from None
    with transaction.atomic():
        crest = RegionalCrest.objects.select_for_update().filter(area=city).first()
        if crest is None:
            crest = RegionalCrest(area=city)
        crest.png = png
        crest.width = width
        crest.height = height
        crest.save()
        audit.log(actor, "crest.uploaded", crest, fields=["png"])
    return crest
