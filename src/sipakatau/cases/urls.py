from django.urls import path

from .views import detail, edits, intake, lists, monitoring, records, workflow

app_name = "cases"

# Paths carry numbers only: never a name, a NIK or words from a narrative.
urlpatterns = [
    path("", lists.case_list, name="case_list"),
    path("tindak-lanjut/", lists.follow_up_list, name="follow_up_list"),
    path("baru/", intake.intake_start, name="intake_start"),
    path("<int:pk>/", detail.case_detail, name="case_detail"),
    path("<int:pk>/korban/", intake.intake_victim, name="intake_victim"),
    path("<int:pk>/kejadian/", intake.intake_incident, name="intake_incident"),
    path("<int:pk>/selesai/", intake.intake_done, name="intake_done"),
    path("<int:pk>/orang/", intake.party_add, name="party_add"),
    # The number of the person's place in a case (not of the person).
    path("orang/<int:pk>/disabilitas/", intake.party_disability, name="party_disability"),
    path("orang/<int:pk>/keterangan/", edits.party_particulars_edit, name="party_particulars"),
    # The person's number goes in the POST body, never in the path.
    path("<int:pk>/identitas/", detail.identity_reveal, name="identity_reveal"),
    path("<int:pk>/klasifikasi/", records.case_classify, name="case_classify"),
    path("<int:pk>/kejadian/gbvims/", edits.incident_details_edit, name="incident_details"),
    path("<int:pk>/asesmen/", records.assessment_add, name="assessment_add"),
    path("<int:pk>/persetujuan/", records.consent_add, name="consent_add"),
    path("persetujuan/<int:pk>/tarik/", records.consent_withdraw, name="consent_withdraw"),
    path("<int:pk>/rencana/", records.plan_item_add, name="plan_item_add"),
    path("rencana/<int:pk>/status/", records.plan_item_status, name="plan_item_status"),
    path("<int:pk>/tindak-lanjut/", records.follow_up_plan, name="follow_up_plan"),
    path("tindak-lanjut/<int:pk>/", records.follow_up_detail, name="follow_up_detail"),
    path("<int:pk>/catatan/", records.note_add, name="note_add"),
    path("<int:pk>/berkas/", records.attachment_add, name="attachment_add"),
    path("berkas/<int:pk>/", records.attachment_download, name="attachment_download"),
    path("<int:pk>/penugasan/", workflow.case_assign, name="case_assign"),
    path("<int:pk>/status/", workflow.case_status, name="case_status"),
    path("<int:pk>/polisi/", workflow.police_forwarding, name="police_forwarding"),
    path("<int:pk>/penutupan/", workflow.closure_request, name="closure_request"),
    path("penutupan/<int:pk>/", workflow.closure_decide, name="closure_decide"),
    path("<int:pk>/buka-kembali/", workflow.case_reopen, name="case_reopen"),
    # Figures of an issued mechanism (the pk is the mechanism version's).
    path(
        "pemantauan-mekanisme/<int:pk>/",
        monitoring.mechanism_monitoring,
        name="mechanism_monitoring",
    ),
]
