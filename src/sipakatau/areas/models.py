"""The administrative hierarchy: province → city → kecamatan → kelurahan → RW → RT."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City / regency")
    KECAMATAN = "kecamatan", _("Kecamatan")
    KELURAHAN = "kelurahan", _("Kelurahan / village")
    RW = "rw", _("RW")
    RT = "rt", _("RT")


# Which level may sit directly under which: a code list that breaks this is refused.
PARENT_LEVEL = {
    Level.PROVINCE: None,
    Level.CITY: Level.PROVINCE,
    Level.KECAMATAN: Level.CITY,
    Level.KELURAHAN: Level.KECAMATAN,
    Level.RW: Level.KELURAHAN,
    Level.RT: Level.RW,
}


class Area(models.Model):
    """One administrative area with its Kemendagri code.

    Codes down to the kelurahan are Kemendagri's (``73.72.03.1003``); an RW adds its
    three-digit number (``73.72.03.1003.002``) and an RT adds its own
    (``73.72.03.1003.002.001``), so every code starts with its parent's code.
    """

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    aliases = models.JSONField(_("other spellings"), default=list, blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        help_text=_("IANA name such as Asia/Makassar; empty means the parent's."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return list(Level.values).index(self.level)

    @property
    def is_desa(self) -> bool:
        """Whether this village is a desa rather than a kelurahan. In the Kemendagri codes
        the village part (the fourth segment, 73.72.03.1003) starts with 1 for a kelurahan
        and with 2 for a desa (11.01.01.2001). Every page, decree and letter follows: a desa
        is led by a Kepala Desa (UU 6/2014 tentang Desa), a kelurahan by a Lurah (PP
        73/2005)."""
        parts = self.code.split(".")
        return self.level == Level.KELURAHAN and len(parts) >= 4 and parts[3].startswith("2")


class RegionalCrest(models.Model):
    """The regional crest (lambang daerah) of a city or regency, printed at the left of the
    letterhead of every village office's documents in it. Stored as checked PNG bytes,
    re-encoded from the pixels of the upload (areas/crest.py): nothing the uploader's file
    carried besides the picture (EXIF, comments, appended data) is kept."""

    area = models.OneToOneField(
        Area,
        on_delete=models.CASCADE,
        related_name="crest",
        limit_choices_to={"level": Level.CITY},
        verbose_name=_("city or regency"),
    )
    png = models.BinaryField(_("crest (PNG)"))
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("regional crest")
        verbose_name_plural = _("regional crests")

    def __str__(self) -> str:
        return str(self.area)
