"""What the decree says, worked out once from a version (and its decree, if issued), so
the PDF and the DOCX cannot say different things."""

import base64
import itertools
from dataclasses import dataclass, field

from sipakatau.areas.crest import crest_png

from ..models import Decree, MechanismVersion, Step
from ..queries import version_in_full
from . import labels as L

DRAFT_MARK = "DRAF — belum berlaku"
IN_FORCE = "Keputusan ini mulai berlaku pada tanggal ditetapkan."


@dataclass(frozen=True)
class StepRow:
    number: int
    title: str
    description: str
    responsible: str
    deadlines: list[str]
    trigger: str
    escalate_to: str
    # Timed: the case module records it, so its deadline is enforced and escalated.
    timed: bool
    social: bool


@dataclass(frozen=True)
class PathwayRow:
    service: str
    provider: str
    address: str
    phone: str
    contact: str


@dataclass(frozen=True)
class Diktum:
    ordinal: str
    text: str


@dataclass
class DecreeContent:
    letterhead: list[str]
    # Address, telephone, postcode, email on one line under the names; may be empty.
    letterhead_contact: str
    kelurahan: str
    # LURAH WATANG SOREANG / KEPALA DESA LOMPO RIAJA: the area's code decides (labels.is_desa).
    head: str
    title: str
    number: str
    issued_on: str
    place: str
    is_draft: bool
    considerations: list[tuple[str, str]]
    legal_bases: list[tuple[str, str]]
    enacts: str
    diktum: list[Diktum]
    signer_title: str
    signer_name: str
    signer_nip: str
    # Pangkat/golongan, on its own line between the name and the NIP.
    signer_rank: str
    copies_to: list[str]
    steps: list[StepRow]
    duties: list[tuple[str, str]]
    pathway: list[PathwayRow]
    # Letters of the Lampiran's parts, as the diktum cite them ("Lampiran huruf C").
    parts: dict[str, str] = field(default_factory=dict)
    verify_url: str = ""
    # The regional crest of the village's city or regency (PNG), at the left of the kop;
    # None: the kop is the names alone.
    crest_png: bytes | None = None

    @property
    def crest_uri(self) -> str:
        """The crest embedded in the PDF itself: printing it fetches nothing."""
        if not self.crest_png:
            return ""
        return "data:image/png;base64," + base64.b64encode(self.crest_png).decode("ascii")

    @property
    def heading(self) -> str:
        return f"KEPUTUSAN {self.head}"

    @property
    def diktum_before_last(self) -> list[Diktum]:
        return self.diktum[:-1]

    @property
    def last_diktum(self) -> Diktum | None:
        """Printed with the signature block, so the block never stands alone on a page."""
        return self.diktum[-1] if self.diktum else None

    @property
    def flow_lines(self) -> list[str]:
        """The flow in words, for the DOCX (it cannot take our SVG): one line per arrow
        of the main track, then the parallel social-protection track."""
        main = [s for s in self.steps if not s.social]
        social = [s for s in self.steps if s.social]
        lines = [
            f"{a.number}. {a.title} → {b.number}. {b.title}" for a, b in itertools.pairwise(main)
        ]
        if len(main) == 1:
            lines.append(f"{main[0].number}. {main[0].title}")
        if social:
            start = f"{main[0].number}. {main[0].title} → " if main else ""
            track = " → ".join(f"{s.number}. {s.title}" for s in social)
            lines.append(f"Jalur paralel perlindungan sosial: {start}{track}")
        return lines


def _step_row(step: Step, responsible: dict[str, str] = L.RESPONSIBLE) -> StepRow:
    return StepRow(
        number=step.position,
        title=step.title,
        description=step.description,
        responsible=L.label(responsible, step.responsible),
        deadlines=L.deadline_lines(
            [(d.risk_level, d.amount, d.unit) for d in step.deadlines.all()]
        ),
        trigger=L.label(L.TRIGGER, step.trigger) if step.trigger else "",
        escalate_to=L.label(responsible, step.escalate_to) if step.escalate_to else "",
        timed=bool(step.action),
        social=step.is_social_protection,
    )


def step_rows(version: MechanismVersion) -> list[StepRow]:
    """The steps in order; uses the prefetched steps of ``version_in_full`` when given
    them, else two queries whatever the number of steps."""
    prefetched = getattr(version, "_prefetched_objects_cache", {})
    steps = (
        version.steps.all()
        if "steps" in prefetched
        else version.steps.prefetch_related("deadlines").order_by("position")
    )
    responsible = L.responsible_labels(version.mechanism.area)
    return [_step_row(step, responsible) for step in steps]


def _filled(paragraphs: list[str]) -> list[str]:
    return [text.strip() for text in paragraphs if isinstance(text, str) and text.strip()]


def decree_content(
    *, version: MechanismVersion, decree: Decree | None, verify_url: str = ""
) -> DecreeContent:
    full = version_in_full(version)
    area = full.mechanism.area
    kelurahan = area.name.upper()
    head = L.signer_title(area)
    title = full.title.strip()
    steps = step_rows(full)
    responsible = L.responsible_labels(area)
    duties = [(L.label(responsible, d.party), d.duties) for d in full.duties.all()]
    pathway = [
        PathwayRow(
            service=L.label(L.SERVICE_TYPE, entry.service_type),
            provider=entry.provider.name,
            address=entry.provider.address,
            phone=entry.provider.phone,
            contact=entry.contact,
        )
        for entry in full.pathway.all()
    ]

    # The Lampiran's parts, lettered in order; the parts without content are left out.
    parts: dict[str, str] = {}
    for key, present in (
        ("steps", True),
        ("flow", bool(steps)),
        ("duties", bool(duties)),
        ("pathway", bool(pathway)),
    ):
        if present:
            parts[key] = L.letter(len(parts)).upper()

    texts = [
        f"Menetapkan {title} sebagaimana tercantum dalam Lampiran yang merupakan bagian "
        "tidak terpisahkan dari Keputusan ini."
    ]
    if duties:
        texts.append(
            "Peran dan tugas para pihak dalam pelaksanaan mekanisme sebagaimana dimaksud "
            f"dalam Diktum KESATU tercantum dalam Lampiran huruf {parts['duties']} "
            "Keputusan ini."
        )
    if pathway:
        texts.append(
            "Rujukan korban kepada penyedia layanan dilakukan dengan persetujuan korban "
            "melalui jalur rujukan sebagaimana tercantum dalam Lampiran huruf "
            f"{parts['pathway']} Keputusan ini."
        )
    texts += [
        text.strip()
        for text in (full.reporting_schedule, full.funding, full.monitoring)
        if text.strip()
    ]
    texts.append(IN_FORCE)

    return DecreeContent(
        letterhead=L.letterhead(area),
        letterhead_contact=L.kop_contact(full.mechanism),
        kelurahan=kelurahan,
        head=head,
        title=title,
        number=decree.number if decree else "",
        issued_on=L.tanggal(decree.issued_on) if decree else "",
        place=decree.place if decree else full.mechanism.place,
        is_draft=decree is None,
        considerations=[
            (f"{L.letter(i)}.", text) for i, text in enumerate(_filled(full.considerations))
        ],
        legal_bases=[(f"{i + 1}.", text) for i, text in enumerate(_filled(full.legal_bases))],
        enacts=f"KEPUTUSAN {head} TENTANG {title.upper()}.",
        diktum=[Diktum(L.ordinal(i + 1), text) for i, text in enumerate(texts)],
        signer_title=(decree.signer_title if decree else head).upper(),
        signer_name=decree.signer_name if decree else "",
        signer_nip=L.nip(decree.signer_nip) if decree else "",
        signer_rank=decree.signer_rank if decree else "",
        copies_to=_filled(full.copies_to),
        steps=steps,
        duties=duties,
        pathway=pathway,
        parts=parts,
        verify_url=verify_url if decree else "",
        crest_png=crest_png(area),
    )
