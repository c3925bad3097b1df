"""Forms for the work on a case after intake."""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from sipakatau.accounts.models import OrganisationType, User
from sipakatau.lib.uploads import max_upload_bytes

from ..codes import (
    ConsentPurpose,
    NeedDomain,
    RiskCriterion,
    RiskLevel,
    ServiceType,
    TpksOffence,
)
from ..models import CaseParty, ServicePlanItem
from ..services.classification import GBVIMS_QUESTIONS
from .consent import ConsentForm
from .widgets import NO_AUTOFILL, DateInput

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _text(label: Any, rows: int = 4, required: bool = True, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea({"rows": rows, "autocomplete": "off"}),
    )


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name or obj.username)


class ClassificationForm(forms.Form):
    """The GBVIMS questions in the standard's order; the service takes the first "yes"."""

    goods_exchanged = forms.ChoiceField(
        label=_("Was money, goods or a favour given or promised in exchange for sex?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        initial="no",
        required=False,
    )
    abduction = forms.ChoiceField(
        label=_("Was the person taken away or held against her or his will?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        initial="no",
        required=False,
    )
    tpks_offences = forms.MultipleChoiceField(
        label=_("Which sexual violence offences (UU TPKS)?"),
        choices=TpksOffence.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    # Whether the sexual-violence questions were on the page that was sent.
    with_sexual = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, sexual: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        questions = {
            question.key: forms.ChoiceField(
                label=cast("StrOrPromise", question.text), choices=YES_NO, widget=forms.RadioSelect
            )
            for question in GBVIMS_QUESTIONS
        }
        self.fields = {**questions, **self.fields}
        self.sexual = sexual
        self.fields["with_sexual"].initial = sexual
        if not sexual:
            for name in ("goods_exchanged", "abduction", "tpks_offences"):
                del self.fields[name]

    @property
    def answers(self) -> dict[str, bool]:
        return {q.key: self.cleaned_data.get(q.key) == "yes" for q in GBVIMS_QUESTIONS}

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "answers": self.answers,
            "goods_exchanged": data.get("goods_exchanged") == "yes",
            # Not on the page (no sexual violence): not asked, the record stays.
            "abduction": data.get("abduction") == "yes" if "abduction" in self.fields else None,
            "tpks_offences": data.get("tpks_offences") or [],
        }


def answers_point_to_sexual_violence(data: Mapping[str, Any]) -> bool:
    """Before the form is valid: would the first "yes" be rape or sexual assault?"""
    for question in GBVIMS_QUESTIONS:
        if data.get(question.key) == "yes":
            return question.key in {"penetration", "sexual_contact"}
    return False


class AssessmentForm(forms.Form):
    risk_level = forms.ChoiceField(
        label=_("Risk"),
        choices=[
            (code, label) for code, label in RiskLevel.choices if code != RiskLevel.UNASSESSED
        ],
        widget=forms.RadioSelect,
    )
    risk_criteria = forms.MultipleChoiceField(
        label=_("What did you see or hear?"),
        choices=RiskCriterion.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Any of the first four means high risk."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label in NeedDomain.choices:
            self.fields[f"need_{code}"] = _text(
                label,
                rows=2,
                required=False,
                help_text=_("What is needed? Leave empty if nothing."),
            )

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "risk_level": data["risk_level"],
            "risk_criteria": data.get("risk_criteria") or [],
            "needs": {code: data.get(f"need_{code}", "") for code in NeedDomain.values},
        }


class ConsentAddForm(ConsentForm):
    subject = forms.ModelChoiceField(
        label=_("Whose consent?"), queryset=CaseParty.objects.none(), empty_label=None
    )
    purpose = forms.ChoiceField(
        label=_("Consent for what?"), choices=ConsentPurpose.choices, widget=forms.RadioSelect
    )
    recipient_type = forms.ChoiceField(
        label=_("For a referral: to which kind of service?"),
        choices=[("", _("Not a referral")), *OrganisationType.choices],
        required=False,
    )

    field_order = ["subject", "purpose", "recipient_type", "method", "witness_name", "proof"]

    def __init__(self, *args: Any, victims: QuerySet[CaseParty], **kwargs: Any) -> None:
        super().__init__(*args, victims=list(victims), **kwargs)
        field = self.fields["subject"]
        field.queryset = victims  # type: ignore[attr-defined]
        field.label_from_instance = lambda party: party.person.name  # type: ignore[attr-defined]


class ConsentWithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it withdrawn? (optional)"),
        max_length=500,
        required=False,
        widget=forms.TextInput(NO_AUTOFILL),
    )


class PlanItemForm(forms.Form):
    service_type = forms.ChoiceField(label=_("Which service?"), choices=ServiceType.choices)
    description = _text(_("What exactly?"), rows=3, required=False)
    owner = UserChoiceField(
        label=_("Who takes care of it?"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Not decided yet"),
    )
    due_on = forms.DateField(label=_("By when?"), required=False, widget=DateInput)

    def __init__(self, *args: Any, workers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = workers  # type: ignore[attr-defined]


class PlanItemStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ServicePlanItem.ItemStatus.choices)


class FollowUpPlanForm(forms.Form):
    assigned_to = UserChoiceField(
        label=_("Who makes the contact?"), queryset=User.objects.none(), empty_label=None
    )
    due_on = forms.DateField(label=_("When?"), widget=DateInput)

    def __init__(self, *args: Any, workers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = workers  # type: ignore[attr-defined]


class FollowUpRecordForm(forms.Form):
    summary = _text(
        _("What happened at the contact?"),
        help_text=_("A few words: how is she or he, what is needed."),
    )


class NoteForm(forms.Form):
    body = _text(_("Note"), rows=3)


class AttachmentForm(forms.Form):
    title = forms.CharField(
        label=_("What is it?"),
        max_length=200,
        required=False,
        widget=forms.TextInput(NO_AUTOFILL),
        help_text=_("For example: consent form, medical letter."),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("A photo (JPEG or PNG) or a PDF."),
        widget=forms.ClearableFileInput({"accept": "image/jpeg,image/png,application/pdf"}),
    )

    def clean_file(self) -> UploadedFile:
        return check_upload_size(self.cleaned_data["file"])


def check_upload_size(upload: UploadedFile) -> UploadedFile:
    """Refuse before reading it all; the service checks the content."""
    limit = max_upload_bytes()
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file is too large. The limit is %(limit)s."),
            params={"limit": filesizeformat(limit)},
        )
    return upload


class AssignForm(forms.Form):
    worker = UserChoiceField(label=_("Assign to"), queryset=User.objects.none(), empty_label=None)

    def __init__(self, *args: Any, workers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers  # type: ignore[attr-defined]


class ClosureRequestForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why close the case?"), widget=forms.RadioSelect)
    summary = _text(
        _("What was done for the person?"), help_text=_("A short summary for the coordinator.")
    )

    def __init__(self, *args: Any, reasons: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = reasons  # type: ignore[attr-defined]


class ClosureDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[
            ("approve", _("Approve: close the case")),
            ("reject", _("Not yet: the case stays open")),
        ],
        widget=forms.RadioSelect,
    )
    comment = _text(
        _("Comment"), rows=3, required=False, help_text=_("Needed when you do not approve.")
    )

    @property
    def approve(self) -> bool:
        return bool(self.cleaned_data.get("decision") == "approve")


class ReopenForm(forms.Form):
    reason = _text(_("Why open the case again?"), rows=3)


class IdentityRevealForm(forms.Form):
    """The "Show telephone and NIK" button of one person on the case page. Only the
    person's number travels, in the body of a POST: never a value, never in a URL."""

    party = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
