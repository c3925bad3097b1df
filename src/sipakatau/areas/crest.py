"""The regional crest (lambang daerah) of a city or regency: checking an upload, and
reading it for a letterhead from any area inside the city.

An upload goes through the project's checks for every file (lib/uploads.py: the content
must be the type its name says, within the size limit, no file hidden inside) and is then
drawn again from its pixels as a PNG no larger than a letterhead needs: nothing the
uploader's file carried besides the picture (EXIF, GPS, comments) is kept.
"""

import base64
import io
import math

from django.utils.translation import gettext as _

from sipakatau.lib.uploads import UploadError, clean_upload, max_upload_bytes

from .models import Area, Level, RegionalCrest
from .queries import codes_with_ancestors

# A crest is a small picture: 1 MB is plenty for a scan, keeps a PDF small, and sent as
# base64 through the API (4/3 larger) stays under the request limit (2.5 MB).
CREST_MAX_BYTES = 1024 * 1024
# Printed about 2.5 cm tall: 600 pixels is over 600 dpi there.
CREST_MAX_SIDE = 600


def crest_limit() -> int:
    return min(CREST_MAX_BYTES, max_upload_bytes())


def clean_crest(*, filename: str, data: bytes) -> tuple[bytes, int, int]:
    """The crest as PNG bytes, with its width and height; ``UploadError`` says why a file
    is refused (not a JPEG or PNG, too big, damaged, another file inside)."""
    limit = crest_limit()
    if len(data) > limit:
        raise UploadError(
            _("The file is too big (at most %(mb)d MB).") % {"mb": math.ceil(limit / (1024 * 1024))}
        )
    if filename.rsplit(".", 1)[-1].lower() == "pdf":
        raise UploadError(_("The crest must be a picture: a PNG or JPG file."))
    cleaned = clean_upload(filename=filename, data=data)
    if not cleaned.content_type.startswith("image/"):
        raise UploadError(_("The crest must be a picture: a PNG or JPG file."))
    from PIL import Image  # only here: a worker that never takes a crest stays small

    with Image.open(io.BytesIO(cleaned.data)) as image:
        image.load()
        picture = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    picture.thumbnail((CREST_MAX_SIDE, CREST_MAX_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return out.getvalue(), picture.width, picture.height


def city_of(area: Area) -> Area | None:
    """The city or regency that ``area`` is, or lies in (codes nest: 73.72.03.1003 lies in
    73.72); None above the city level or outside the code list."""
    if area.level == Level.CITY:
        return area
    return Area.objects.filter(code__in=codes_with_ancestors(area.code), level=Level.CITY).first()


def crest_png(area: Area) -> bytes | None:
    """The PNG crest of the city or regency that ``area`` lies in (a kelurahan or desa, a
    kecamatan, an RW, or the city itself), or None when none was uploaded. One query."""
    png = (
        RegionalCrest.objects.filter(
            area__code__in=codes_with_ancestors(area.code), area__level=Level.CITY
        )
        .values_list("png", flat=True)
        .first()
    )
    return bytes(png) if png is not None else None


def has_crest(area: Area) -> bool:
    return RegionalCrest.objects.filter(
        area__code__in=codes_with_ancestors(area.code), area__level=Level.CITY
    ).exists()


def crest_data_uri(area: Area) -> str:
    """The crest as a ``data:`` URI for a PDF template ("" without a crest): the document
    embeds it, so printing fetches nothing."""
    png = crest_png(area)
    if png is None:
        return ""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
