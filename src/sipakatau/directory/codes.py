"""The kinds of service a provider gives and a case plan asks for."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceType(models.TextChoices):
    """SIMFONI-PPA services, plus the social-protection needs the LBK-KK follows."""

    PENGADUAN = "PENGADUAN", _("Complaint handling")
    KESEHATAN = "KESEHATAN", _("Health care")
    BANTUAN_HUKUM = "BANTUAN_HUKUM", _("Legal aid")
    PENEGAKAN_HUKUM = "PENEGAKAN_HUKUM", _("Police and prosecution")
    REHABILITASI_SOSIAL = "REHABILITASI_SOSIAL", _("Social rehabilitation")
    REINTEGRASI_SOSIAL = "REINTEGRASI_SOSIAL", _("Social reintegration")
    PEMULANGAN = "PEMULANGAN", _("Return home")
    PENDAMPINGAN_TOKOH_AGAMA = "PENDAMPINGAN_TOKOH_AGAMA", _("Support by a religious leader")
    PSIKOSOSIAL = "PSIKOSOSIAL", _("Psychosocial support")
    RUMAH_AMAN = "RUMAH_AMAN", _("Safe house or shelter")
    DOKUMEN_KEPENDUDUKAN = "DOKUMEN_KEPENDUDUKAN", _("Civil documents (KTP, KK, birth certificate)")
    BANSOS = "BANSOS", _("Social assistance programme")
    JAMINAN_KESEHATAN = "JAMINAN_KESEHATAN", _("Health insurance (BPJS PBI)")
