"""Checking and cleaning uploaded files (attachments, consent photos, report photos).

Only PDF, JPEG and PNG are taken, and the content must be what the name says. Images are
decoded and encoded again from their pixels: the new file has no EXIF/GPS/XMP metadata
(a photo's location could lead an abuser to a shelter) and nothing appended to it.
A file that carries another format inside (a polyglot) is refused outright.
"""

import io
import math
import re
import warnings
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

SIGNATURES = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}
EXTENSIONS = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
}
# Markers of active content that must not hide inside an accepted file. Only long
# markers: short binary ones (a ZIP header) occur by chance in compressed photo data.
_FOREIGN = re.compile(rb"<\s*(html|script|svg|iframe|object)\b", re.IGNORECASE)
_PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|OpenAction|AA|RichMedia|XFA)\b")
# PDF names may spell any character as #xx ("/J#61vaScript" is "/JavaScript"), so the
# markers are looked for after undoing that escaping.
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# Object streams (PDF 1.5) hold dictionaries compressed: an action dictionary hidden in
# one is invisible to a plain byte search, so they are inflated and searched too.
_PDF_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_PDF_OBJ_STREAM = re.compile(rb"/Type\s*/ObjStm\b")
MAX_INFLATED = 32 * 1024 * 1024
MAX_PIXELS = 40_000_000
# Pillow opens phone photos that carry extra pictures (depth maps, previews) as "MPO";
# they are JPEG files, and re-encoding keeps only the first picture.
_PILLOW_FORMATS = {"image/jpeg": {"JPEG", "MPO"}, "image/png": {"PNG"}}


class UploadError(ValueError):
    """The file is refused; the message says why, in the user's language."""


@dataclass(frozen=True)
class CleanFile:
    content_type: str
    data: bytes


def max_upload_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_BYTES", 10 * 1024 * 1024))


def _detect(data: bytes) -> str | None:
    for content_type, signatures in SIGNATURES.items():
        if any(data.startswith(signature) for signature in signatures):
            return content_type
    return None


def _clean_image(data: bytes, content_type: str) -> bytes:
    # Imported here: Pillow is needed by an upload, not by every page of every worker.
    from PIL import Image, ImageOps, UnidentifiedImageError

    fmt = "JPEG" if content_type == "image/jpeg" else "PNG"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in _PILLOW_FORMATS[content_type]:
                    raise UploadError(_("The file content does not match its name."))
                if probe.width * probe.height > MAX_PIXELS:
                    raise UploadError(
                        _("The picture is too large. Take it again with a lower resolution.")
                    )
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                # Turn the pixels the way the camera meant, before the EXIF that says so goes.
                upright = ImageOps.exif_transpose(image) or image
                mode = "RGB" if fmt == "JPEG" else ("RGBA" if "A" in upright.getbands() else "RGB")
                pixels = upright.convert(mode)
                clean = Image.new(mode, pixels.size)
                clean.paste(pixels)
                out = io.BytesIO()
                clean.save(
                    out, format=fmt, **({"quality": 88} if fmt == "JPEG" else {"optimize": True})
                )
                return out.getvalue()
    except UploadError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise UploadError(
            _("The picture is too large. Take it again with a lower resolution.")
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise UploadError(_("The picture is damaged and cannot be opened.")) from exc
    except Exception as exc:
        # Pillow's decoders meet hostile input with many kinds of error (struct.error,
        # IndexError, KeyError in EXIF parsing...): each is a refusal, never a server error.
        raise UploadError(_("The picture is damaged and cannot be opened.")) from exc


def _unescape_names(data: bytes) -> bytes:
    return _PDF_NAME_ESCAPE.sub(lambda match: bytes([int(match.group(1), 16)]), data)


def _object_streams(data: bytes) -> list[bytes]:
    """The inflated content of every object stream; a PDF whose object streams cannot be
    read (unknown filter, damaged, too large when inflated) cannot be checked."""
    inflated: list[bytes] = []
    budget = MAX_INFLATED
    for match in _PDF_STREAM.finditer(data):
        # The stream's dictionary is what precedes it since its "obj" keyword.
        head_start = data.rfind(b"obj", max(0, match.start() - 4096), match.start())
        head = _unescape_names(data[max(head_start, match.start() - 4096) : match.start()])
        if not _PDF_OBJ_STREAM.search(head):
            continue
        end = data.find(b"endstream", match.end())
        body = data[match.end() : end if end != -1 else len(data)]
        inflater = zlib.decompressobj()
        try:
            chunk = inflater.decompress(body, budget + 1)
        except zlib.error as exc:
            raise UploadError(_("The PDF is damaged or incomplete.")) from exc
        budget -= len(chunk)
        if budget < 0:
            raise UploadError(_("This PDF is too complex to check. Print it to a new PDF first."))
        inflated.append(chunk)
    return inflated


def _check_pdf(data: bytes) -> bytes:
    if any(_PDF_ACTIVE.search(_unescape_names(text)) for text in (data, *_object_streams(data))):
        raise UploadError(
            _(
                "This PDF contains active content (scripts or embedded files). "
                "Print it to a new PDF first."
            )
        )
    end = data.rfind(b"%%EOF")
    if end == -1:
        raise UploadError(_("The PDF is damaged or incomplete."))
    if data[end + 5 :].strip():
        # Something is glued after the end of the PDF: a classic polyglot.
        raise UploadError(_("The file carries another file inside it and is refused."))
    return data


def clean_upload(*, filename: str, data: bytes) -> CleanFile:
    if not data:
        raise UploadError(_("The file is empty."))
    limit = max_upload_bytes()
    if len(data) > limit:
        # Rounded up, so a limit under 1 MB never reads "at most 0 MB".
        raise UploadError(
            _("The file is too big (at most %(mb)d MB).") % {"mb": math.ceil(limit / (1024 * 1024))}
        )
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    expected = EXTENSIONS.get(extension)
    if expected is None:
        raise UploadError(_("Only PDF, JPG and PNG files can be added."))
    detected = _detect(data)
    if detected != expected:
        raise UploadError(_("The file content does not match its name."))
    if _FOREIGN.search(data) or (detected != "application/pdf" and b"%PDF-" in data):
        raise UploadError(_("The file carries another file inside it and is refused."))
    if detected == "application/pdf":
        return CleanFile(detected, _check_pdf(data))
    return CleanFile(detected, _clean_image(data, detected))
