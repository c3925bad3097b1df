"""The forms of the questionnaire and analysis pages: two uploads and the key findings.
(The ``forms`` package holds ready questionnaires, not Django forms.)"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from sipakatau.lib.uploads import max_upload_bytes

XLSX = ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sized(upload: UploadedFile) -> UploadedFile:
    """Refuse a file that is too large before reading it; the service checks the content."""
    limit = max_upload_bytes()
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file is too large. The limit is %(limit)s."),
            params={"limit": filesizeformat(limit)},
        )
    return upload


class XlsformUploadForm(forms.Form):
    file = forms.FileField(
        label=_("XLSForm file (.xlsx)"),
        help_text=_("The form as made for KoBoToolbox or ODK: sheets survey, choices, settings."),
        widget=forms.ClearableFileInput({"accept": XLSX}),
    )
    title = forms.CharField(
        label=_("Title (optional)"),
        max_length=200,
        required=False,
        help_text=_("Left empty, the form_title of the settings sheet is used."),
    )

    def clean_file(self) -> UploadedFile:
        return _sized(self.cleaned_data["file"])


class SubmissionsUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Export file (.csv or .xlsx)"),
        help_text=_(
            "Exported from KoBoToolbox or ODK Central, with values or labels. Sending the "
            "same file again adds nothing twice."
        ),
        widget=forms.ClearableFileInput({"accept": ".csv,text/csv," + XLSX}),
    )

    def clean_file(self) -> UploadedFile:
        return _sized(self.cleaned_data["file"])


class FindingsForm(forms.Form):
    findings = forms.CharField(
        label=_("Key findings"),
        required=False,
        max_length=5000,
        widget=forms.Textarea({"rows": 10}),
        help_text=_(
            "What the numbers say, in a few short paragraphs: about groups and places, "
            "never about one person. Printed in the report."
        ),
    )
