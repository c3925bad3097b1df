"""Reading the mechanism's documents back in tests: PDF text with poppler, PNG pages kept
under test-artifacts/ for a person to look at."""

import shutil
import subprocess
from pathlib import Path

from sipakatau.accounts.models import Organisation
from sipakatau.mechanisms.models import MechanismVersion

PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"
PDFTOPPM = shutil.which("pdftoppm") or "/usr/bin/pdftoppm"
ARTIFACTS = Path(__file__).resolve().parents[4] / "test-artifacts" / "mechanisms"


def pdf_text(data: bytes) -> str:
    """The PDF's text, one space between words (a title that wraps is still found)."""
    out = subprocess.run(  # noqa: S603 (a fixed program, the PDF on stdin)
        [PDFTOTEXT, "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    return " ".join(out.split())


def pdf_pages(data: bytes) -> int:
    return pdf_text_raw(data).count("\f")


def pdf_text_raw(data: bytes, *, layout: bool = True) -> str:
    """Pages separated by form feeds. Without ``layout`` poppler keeps a table cell's
    lines together instead of interleaving the columns of each printed line."""
    args = [PDFTOTEXT, *(["-layout"] if layout else []), "-", "-"]
    return subprocess.run(  # noqa: S603
        args, input=data, capture_output=True, check=True
    ).stdout.decode()


def keep_pages(data: bytes, name: str) -> Path:
    """Write the PDF and its pages as PNG (60 dpi) for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTIFACTS / f"{name}.pdf"
    pdf.write_bytes(data)
    subprocess.run(  # noqa: S603
        [PDFTOPPM, "-r", "60", "-png", str(pdf), str(ARTIFACTS / name)], check=True
    )
    return pdf


def issued_with_pathway(kelurahan: Organisation, agency: Organisation) -> MechanismVersion:
    """The kelurahan's issued version, with the agency's directory entry on its pathway
    (the test database has no directory of its own to pre-fill it from)."""
    from sipakatau.accounts.models import Membership, Role
    from sipakatau.directory.services import provider_create
    from sipakatau.mechanisms import services
    from tests import builders
    from tests.factories import make_user

    # Drafted first: the template would otherwise pre-fill the pathway with the provider.
    version = builders.draft_version(kelurahan)
    admin = make_user(agency, Role.ADMIN)
    provider = provider_create(
        actor=Membership.objects.select_related("organisation__area").get(
            user=admin, organisation=agency
        ),
        name="UPTD PPA Kota Parepare",
        area=agency.area,
        address="Jl. Jend. Sudirman No. 1, Parepare",
        phone="0421-21000",
        services={"PENGADUAN": ""},
    )
    services.pathway_entry_add(
        actor=builders.officer(kelurahan),
        version=version,
        service_type="PENGADUAN",
        provider=provider,
        contact="Ibu Rahma (konselor)",
    )
    return builders.issued_version(kelurahan)
