"""Gap analysis: the needs respondents named, set against the services of the directory
that reach their kelurahan. A need with a kind of service but no active provider serving
the kelurahan is a gap ("dibutuhkan tetapi tidak ada layanan dalam jangkauan"); a need
that no kind of service in the directory answers is listed apart, for the discussion.

"In reach" is the directory's own rule (``providers_for_search``): a provider serves the
areas it lists and everything below them, or, listing none, its own area and below.
"""

from dataclasses import dataclass, field

from sipakatau.areas.models import Area
from sipakatau.directory.codes import ServiceType
from sipakatau.directory.models import Provider
from sipakatau.directory.queries import providers_for_search

# Which kinds of service of the directory answer a need, by the need's choice value. The
# values are those of the template questionnaire (forms/needs_template.py, list
# "kebutuhan") and their usual English and Indonesian synonyms in other forms. A value
# that is itself a service code (e.g. "kesehatan" → KESEHATAN) needs no row here.
NEED_SERVICES: dict[str, tuple[str, ...]] = {
    "dokumen": (ServiceType.DOKUMEN_KEPENDUDUKAN,),
    "documents": (ServiceType.DOKUMEN_KEPENDUDUKAN,),
    "adminduk": (ServiceType.DOKUMEN_KEPENDUDUKAN,),
    "bansos": (ServiceType.BANSOS,),
    "bantuan_sosial": (ServiceType.BANSOS,),
    "kesehatan": (ServiceType.KESEHATAN, ServiceType.JAMINAN_KESEHATAN),
    "health": (ServiceType.KESEHATAN, ServiceType.JAMINAN_KESEHATAN),
    "bpjs": (ServiceType.JAMINAN_KESEHATAN,),
    "hukum": (ServiceType.BANTUAN_HUKUM,),
    "legal": (ServiceType.BANTUAN_HUKUM,),
    "psikososial": (ServiceType.PSIKOSOSIAL,),
    "psychosocial": (ServiceType.PSIKOSOSIAL,),
    "konseling": (ServiceType.PSIKOSOSIAL,),
    "rumah_aman": (ServiceType.RUMAH_AMAN,),
    "shelter": (ServiceType.RUMAH_AMAN,),
    "aksesibilitas": (ServiceType.REHABILITASI_SOSIAL,),
    "rehabilitasi": (ServiceType.REHABILITASI_SOSIAL,),
    "pengaduan": (ServiceType.PENGADUAN,),
}


def service_types_for(value: str) -> list[str]:
    """The kinds of service that answer the need ``value`` (none when the directory has
    no such kind, e.g. schooling or work)."""
    key = value.strip().lower()
    if key in NEED_SERVICES:
        return [str(code) for code in NEED_SERVICES[key]]
    if key.upper() in ServiceType.values:
        return [key.upper()]
    return []


@dataclass
class NeedRow:
    value: str
    label: str
    # None in a row rebuilt from an analysis snapshot, which keeps the count as printed
    # (``shown``) only.
    count: int | None
    service_types: list[tuple[str, str]]  # (code, label)
    providers: list[Provider] = field(default_factory=list)
    # The count as printed (suppressed), set by whoever shows the row.
    shown: str = ""

    @property
    def is_gap(self) -> bool:
        """Needed, answered by a kind of service, and no provider of it in reach."""
        return bool(self.service_types) and not self.providers

    @property
    def has_no_service_kind(self) -> bool:
        return not self.service_types


def providers_in_reach(kelurahan: Area) -> dict[str, list[Provider]]:
    """Active providers serving the kelurahan, by kind of service (two queries)."""
    by_type: dict[str, list[Provider]] = {}
    for provider in providers_for_search(area=kelurahan):
        for service in provider.services.all():
            by_type.setdefault(service.service_type, []).append(provider)
    return by_type


def need_rows(ranking: list[tuple[str, str, int]], kelurahan: Area) -> list[NeedRow]:
    """Each need named by at least one respondent, most named first, with the providers in
    reach that answer it."""
    return _in_reach([(value, label, count, "") for value, label, count in ranking], kelurahan)


def needs_in_reach(needs: list[tuple[str, str, str]], kelurahan: Area) -> list[NeedRow]:
    """The needs an analysis snapshot kept (value, label, the count as printed), each with
    the providers in reach now: the directory is read at every visit, so a provider added
    after the analysis closes its gap at once, with no new analysis."""
    return _in_reach([(value, label, None, shown) for value, label, shown in needs], kelurahan)


def _in_reach(needs: list[tuple[str, str, int | None, str]], kelurahan: Area) -> list[NeedRow]:
    in_reach = providers_in_reach(kelurahan)
    labels = dict(ServiceType.choices)
    out = []
    for value, label, count, shown in needs:
        if count is not None and count <= 0:
            continue
        codes = service_types_for(value)
        providers: dict[int, Provider] = {}
        for code in codes:
            for provider in in_reach.get(code, []):
                providers.setdefault(provider.pk, provider)
        out.append(
            NeedRow(
                value=value,
                label=label,
                count=count,
                service_types=[(code, str(labels.get(code, code))) for code in codes],
                providers=sorted(providers.values(), key=lambda p: (p.name, p.pk)),
                shown=shown,
            )
        )
    return out
