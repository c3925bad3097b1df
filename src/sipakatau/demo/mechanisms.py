"""The two pilot drafts of the mechanism, from the template, through the real services:
Watang Soreang (LBK-KK Bahagia) in discussion, with comments from DP3A and Dinsos and the
finalisation meeting recorded; Watang Bacukiki (LBK-KK Ikhlas) still a draft. Neither is
issued: issuing the decree is the Lurah's act, left for the demo's user to try. Running it
again adds nothing."""

import io
from datetime import date

from django.db import transaction
from PIL import Image, ImageDraw, ImageFont

from sipakatau.accounts.models import Membership
from sipakatau.areas.crest import has_crest
from sipakatau.mechanisms import numbering, services
from sipakatau.mechanisms.codes import Section, Status
from sipakatau.mechanisms.models import Mechanism, MechanismVersion

from .directory import demo_directory

# kelurahan staff username, archive classification code, office code: the decree is
# numbered e.g. 400.2.2/01/Kel-WS/2026.
PILOTS = [
    ("ws.staf", "400.2.2", "Kel-WS"),
    ("wb.staf", "400.2.2", "Kel-WB"),
]

# The kop's contact line of each pilot office: illustrative demo values in the shape an
# office prints (Parepare's telephone area code is 0421), not the offices' real contacts.
CONTACTS = {
    "ws.staf": ("Jl. Bau Massepe No. 10", "(0421) 21001", "91131", "kel-ws@example.org"),
    "wb.staf": ("Jl. Jend. Sudirman No. 5", "(0421) 21002", "91121", "kel-wb@example.org"),
}

# The actors seen at the pilot's finalisation meeting (domain notes), as attendees.
ATTENDEES = [
    ("Andi Lurah", "Kelurahan Watang Soreang", "Lurah", "L", False),
    ("Sitti Rahma", "Kelurahan Watang Soreang", "Sekretaris Lurah", "P", False),
    ("Nurhayati", "LBK-KK Bahagia", "Koordinator", "P", False),
    ("Hasnah", "LBK-KK Bahagia", "Kader", "P", True),
    ("Muh. Arif", "LPMK Watang Soreang", "Ketua", "L", False),
    ("Aipda Syamsul", "Polsek Soreang", "Bhabinkamtibmas", "L", False),
    ("Serka Baharuddin", "Koramil Soreang", "Babinsa", "L", False),
    ("Hj. Marlina", "RW 02", "Ketua RW", "P", False),
    ("Fitriani", "DP3A Kota Parepare", "Fungsional Penyuluh", "P", False),
    ("Rusdi", "Dinas Sosial Kota Parepare", "Pekerja Sosial", "L", False),
]


def _member(username: str) -> Membership | None:
    return (
        Membership.objects.select_related("organisation__area", "user")
        .filter(user__username=username, is_active=True)
        .first()
    )


def demo_mechanisms() -> int:
    """Returns how many mechanisms were started (0, 1 or 2)."""
    demo_directory()  # the template's pathway is filled from the directory
    started = 0
    for username, classification_code, office_code in PILOTS:
        staff = _member(username)
        if staff is None:
            continue
        existing = Mechanism.objects.filter(area=staff.organisation.area).first()
        if existing is not None:
            _complete_number(staff, existing, classification_code, office_code)
            _complete_contact(staff, existing, username)
            continue
        with transaction.atomic():
            version = services.mechanism_start(
                actor=staff,
                area=staff.organisation.area,
                classification_code=classification_code,
                office_code=office_code,
            )
            started += 1
            _complete_contact(staff, version.mechanism, username)
            if username == "ws.staf":
                _discuss(staff, version)
    _demo_crest()
    return started


def demo_crest_png() -> bytes:
    """A stand-in for the crest of Kota Parepare, drawn here: a plain shield with the city's
    name and "CONTOH" (example). It is not the city's arms, which the office uploads."""
    width, height = 300, 360
    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    shield = [(20, 20), (280, 20), (280, 200), (150, 340), (20, 200)]
    draw.polygon(shield, fill=(22, 101, 52), outline=(234, 179, 8), width=12)
    draw.rectangle((40, 40, 260, 80), fill=(234, 179, 8))

    def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
        try:
            return ImageFont.truetype("DejaVuSans-Bold.ttf", size)
        except OSError:
            return ImageFont.load_default(size)

    draw.text((150, 60), "CONTOH", fill=(22, 101, 52), font=font(30), anchor="mm")
    draw.text((150, 150), "PAREPARE", fill=(255, 255, 255), font=font(38), anchor="mm")
    draw.text((150, 215), "DEMO", fill=(234, 179, 8), font=font(30), anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _demo_crest() -> None:
    """Kota Parepare's stand-in crest, uploaded once by the Watang Soreang office through
    the real service (checked and re-encoded like any upload); a crest the city uploaded
    since is kept."""
    staff = _member("ws.staf")
    mechanism = Mechanism.objects.filter(area=staff.organisation.area).first() if staff else None
    if staff is None or mechanism is None or has_crest(mechanism.area):
        return
    services.regional_crest_set(
        actor=staff, mechanism=mechanism, filename="lambang-contoh.png", data=demo_crest_png()
    )


def _complete_contact(staff: Membership, mechanism: Mechanism, username: str) -> None:
    """The kop's address line, once: what the office typed since is kept."""
    if username not in CONTACTS or any(
        (mechanism.office_address, mechanism.office_phone, mechanism.office_email)
    ):
        return
    address, phone, postcode, email = CONTACTS[username]
    services.mechanism_settings_update(
        actor=staff,
        mechanism=mechanism,
        classification_code=mechanism.classification_code,
        office_code=mechanism.office_code,
        place=mechanism.place,
        office_address=address,
        office_phone=phone,
        office_postcode=postcode,
        office_email=email,
    )


def _complete_number(
    staff: Membership, mechanism: Mechanism, classification_code: str, office_code: str
) -> None:
    """A demo made before the number had parts carries "400.x": give it the real code."""
    if numbering.number_problems(mechanism.classification_code, mechanism.office_code):
        services.mechanism_settings_update(
            actor=staff,
            mechanism=mechanism,
            classification_code=classification_code,
            office_code=office_code,
            place=mechanism.place,
        )


def _discuss(staff: Membership, version: MechanismVersion) -> None:
    services.version_transition(actor=staff, version=version, to=Status.IN_DISCUSSION)
    dp3a, dinsos = _member("uptd.petugas"), _member("dinsos.petugas")
    step = version.steps.get(action="first_contact")
    if dp3a is not None:
        comment = services.comment_add(
            actor=dp3a,
            version=version,
            section=Section.STEP,
            step=step,
            text="Untuk risiko tinggi, mohon UPTD PPA langsung dihubungi bersamaan dengan "
            "kontak pertama, bukan setelahnya.",
        )
        services.comment_add(
            actor=staff,
            version=version,
            reply_to=comment,
            text="Setuju, akan ditambahkan pada uraian langkah 2 dan 4.",
        )
    if dinsos is not None:
        services.comment_add(
            actor=dinsos,
            version=version,
            section=Section.PATHWAY,
            text="Untuk rehabilitasi sosial, rujukan ditujukan ke Dinas Sosial, bukan "
            "langsung ke panti.",
        )
    services.meeting_record(
        actor=staff,
        version=version,
        held_on=date(2025, 10, 14),
        place="Aula Kantor Kelurahan Watang Soreang",
        agenda="Finalisasi draf mekanisme penanganan korban kekerasan",
        minutes="Draf dibahas langkah demi langkah. Peserta menyepakati tenggat kontak "
        "pertama dan jalur rujukan; catatan DP3A dan Dinas Sosial akan dimasukkan.",
        decisions="1. Draf disempurnakan sesuai catatan. 2. Draf akhir diajukan kepada "
        "Lurah untuk ditetapkan.",
        attendees=[
            services.AttendeeInput(
                name=name,
                organisation=organisation,
                position=position,
                gender=gender,
                has_disability=disability,
            )
            for name, organisation, position, gender, disability in ATTENDEES
        ],
    )
