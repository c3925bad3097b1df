"""QR codes as inline SVG, made here: no image service ever learns what they say (an
authenticator's secret, a decree's address)."""

import re


def qr_svg(data: str, *, size_mm: int | None = None, border: int = 4) -> str:
    """The QR code as inline SVG (a path, no image file, no XML declaration), to embed in
    a page or a PDF; ``size_mm`` sets its printed width. ``border`` is the quiet zone in
    modules (4 by the standard; a printed page, white around it, does with 2)."""
    # Imported here: qrcode (with lxml) is only needed by the pages that show a code.
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(
        data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=border
    )
    svg: str = image.to_string(encoding="unicode")
    svg = re.sub(r"^<\?xml[^>]*\?>\s*", "", svg)
    if size_mm is None:
        return svg
    return re.sub(
        r'width="[^"]*" height="[^"]*"',
        f'width="{size_mm}mm" height="{size_mm}mm"',
        svg,
        count=1,
    )
