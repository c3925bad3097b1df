"""The mechanism from draft to decree in real browsers, without JavaScript being needed
(issue 7, "done when"): a kelurahan staff member drafts from the template on a 360 px
phone and changes a deadline; a DP3A officer and a Dinsos officer comment from their
office PCs; the staff member records the meeting and resolves the comments; the Lurah
approves and issues the SK Lurah. The PDF is downloaded through the page's link, read
back with pdftotext and rendered to PNG; screenshots go to test-artifacts/."""

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from sipakatau.accounts.models import OrganisationType, Role
from sipakatau.mechanisms.codes import CommentStatus, Status
from sipakatau.mechanisms.models import Comment, MechanismVersion, Meeting
from tests.browser.signed_in import OFFICE_PC, PHONE, SignedInBrowser
from tests.factories import CITY, WATANG_SOREANG, make_organisation, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"
PDFTOPPM = shutil.which("pdftoppm") or "/usr/bin/pdftoppm"


def _version() -> MechanismVersion:
    return MechanismVersion.objects.select_related("mechanism").get()


def test_a_mechanism_is_drafted_discussed_approved_and_issued(
    live_server: Any, browser: Any, artifacts: Path
) -> None:
    # Given the kelurahan office (a staff member and the Lurah), DP3A and Dinsos
    kelurahan = make_organisation(
        "Kantor Kelurahan Watang Soreang",
        type=OrganisationType.KELURAHAN,
        area_code=WATANG_SOREANG,
    )
    dp3a = make_organisation("DP3A Kota Parepare", type=OrganisationType.DP3A, area_code=CITY)
    dinsos = make_organisation(
        "Dinas Sosial Kota Parepare", type=OrganisationType.DINSOS, area_code=CITY
    )
    staff_user = make_user(kelurahan, Role.VILLAGE_OFFICER, username="ws.staf")
    lurah_user = make_user(kelurahan, Role.VILLAGE_OFFICER, username="ws.lurah", is_signatory=True)
    dp3a_user = make_user(dp3a, Role.AGENCY_OFFICER, username="dp3a.petugas")
    dinsos_user = make_user(dinsos, Role.AGENCY_OFFICER, username="dinsos.petugas")

    # When the staff member starts the draft from the template on a phone
    staff = SignedInBrowser(
        browser, live_server, staff_user, artifacts, prefix="mechanism", viewport=PHONE
    )
    page = staff.go("/mekanisme/")
    assert "Start from the template" in staff.text()
    staff.shot("1-list-empty")
    staff.click("form[action='/mekanisme/mulai/'] button[type=submit]")
    version = _version()
    assert page.url.endswith(f"/mekanisme/versi/{version.pk}/")
    assert "Kontak pertama dengan korban" in staff.text("#steps")
    staff.shot("2-draft")

    # And changes the deadline of the first contact for high risk from 2 hours to 1
    step = version.steps.get(action="first_contact")
    staff.click(f"a[href='/mekanisme/langkah/{step.pk}/']")
    assert page.locator("input[name=amount_high]").input_value() == "2"
    page.fill("input[name=amount_high]", "1")
    staff.shot("3-step-form")
    staff.click("main form.stack button[type=submit]")
    assert "High: 1 hour" in staff.text(f"#step-{step.pk}")
    assert step.deadlines.get(risk_level="HIGH").amount == 1

    # And opens the discussion
    staff.click("form[action$='/status/'] button[type=submit]")
    assert "The discussion is open" in staff.text(".messages")
    assert _version().status == Status.IN_DISCUSSION
    staff.close()

    # Then DP3A comments on the assessment step, Dinsos on the funding, from office PCs
    assessment = version.steps.get(action="assessment")
    desk = SignedInBrowser(
        browser, live_server, dp3a_user, artifacts, prefix="mechanism", viewport=OFFICE_PC
    )
    page = desk.go(f"/mekanisme/versi/{version.pk}/")
    box = page.locator(f"#step-{assessment.pk} details.mech-add-comment")
    box.locator("summary").click()
    box.locator("textarea").fill("Asesmen untuk anak sebaiknya bersama psikolog UPTD PPA.")
    with page.expect_navigation():
        box.locator("button[type=submit]").click()
    assert "Your comment was added" in desk.text(".messages")
    desk.shot("4-dp3a-commented")
    desk.close()

    desk = SignedInBrowser(
        browser, live_server, dinsos_user, artifacts, prefix="mechanism", viewport=OFFICE_PC
    )
    page = desk.go(f"/mekanisme/versi/{version.pk}/")
    form = page.locator("#comment-form")
    form.locator("select[name=section]").select_option("funding")
    form.locator("textarea[name=text]").fill("Sebutkan juga usulan ke DTKS dan PKH.")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert "Sebutkan juga usulan ke DTKS dan PKH." in desk.text("#funding")
    desk.close()
    assert Comment.objects.filter(status=CommentStatus.OPEN).count() == 2

    # And the staff member records the meeting, answers and resolves the comments
    staff = SignedInBrowser(
        browser, live_server, staff_user, artifacts, prefix="mechanism", viewport=PHONE
    )
    page = staff.go(f"/mekanisme/versi/{version.pk}/")
    staff.click(f"a[href='/mekanisme/versi/{version.pk}/rapat/tambah/']")
    page.fill("input[name=place]", "Aula Kantor Kelurahan Watang Soreang")
    page.fill("input[name=agenda]", "Pembahasan draft mekanisme")
    page.fill("textarea[name=minutes]", "Rapat dibuka oleh Lurah. Masukan DP3A dan Dinsos dibahas.")
    page.fill("textarea[name=decisions]", "Masukan diterima; draft diajukan kepada Lurah.")
    people = [
        ("Hj. Rahmawati", "DP3A Kota Parepare", "P", False),
        ("Andi Baso", "Dinas Sosial Kota Parepare", "L", False),
        ("Nurhaedah", "LBK-KK Bahagia", "P", True),
    ]
    for row, (name, organisation, gender, disability) in enumerate(people):
        page.fill(f"input[name=form-{row}-name]", name)
        page.fill(f"input[name=form-{row}-organisation]", organisation)
        page.select_option(f"select[name=form-{row}-gender]", gender)
        if disability:
            page.check(f"input[name=form-{row}-has_disability]")
    staff.shot("5-meeting-form")
    staff.click("main form.stack button[type=submit]:not([name])")
    assert "women: 2, men: 1" in staff.text()
    assert Meeting.objects.get().attendees.count() == 3
    staff.shot("6-meeting")

    page = staff.go(f"/mekanisme/versi/{version.pk}/")
    dp3a_comment = Comment.objects.get(step=assessment)
    answer = page.locator(f"#comment-{dp3a_comment.pk} details.reveal").first
    answer.locator("summary").click()
    answer.locator("textarea").fill("Diterima, ditambahkan pada uraian langkah.")
    with page.expect_navigation():
        answer.locator("button[type=submit]").click()
    for comment in Comment.objects.filter(reply_to__isnull=True):
        staff.click(f"form[action='/mekanisme/komentar/{comment.pk}/selesai/'] button")
    assert (
        not Comment.objects.filter(reply_to__isnull=True)
        .exclude(status=CommentStatus.RESOLVED)
        .exists()
    )
    page.locator("#steps").scroll_into_view_if_needed()
    staff.shot("7-discussed")
    staff.close()

    # And the Lurah approves and issues the decree with a NIP
    lurah = SignedInBrowser(
        browser, live_server, lurah_user, artifacts, prefix="mechanism", viewport=PHONE
    )
    page = lurah.go(f"/mekanisme/versi/{version.pk}/")
    lurah.click("form[action$='/status/'] input[value=approved] ~ button")
    assert _version().status == Status.APPROVED
    lurah.click(f"a[href='/mekanisme/versi/{version.pk}/terbitkan/']")
    assert "makes it binding" in lurah.text()
    assert page.locator("input[name=signer_title]").input_value() == "LURAH WATANG SOREANG"
    page.fill("input[name=signer_name]", "Andi Makkasau, S.STP")
    page.fill("input[name=signer_nip]", "198001012005011001")
    lurah.shot("8-issue-form")
    lurah.click("main form.stack button[type=submit]")
    assert "was issued" in lurah.text(".messages")
    issued = _version()
    assert issued.status == Status.ISSUED
    number = issued.decree.number
    assert number in lurah.text()
    lurah.shot("9-issued")

    # Then the SK PDF downloaded through the page's link reads as the decree
    href = page.locator("a[href$='/sk.pdf']").get_attribute("href")
    response = lurah.context.request.get(f"{lurah.server}{href}")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pdf = artifacts / "mechanism-sk-lurah.pdf"
    pdf.write_bytes(response.body())
    text = subprocess.run(  # noqa: S603 (a fixed program on our own file)
        [PDFTOTEXT, "-layout", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    flat = " ".join(text.split())
    assert "KEPUTUSAN LURAH" in flat and number in flat
    assert "MEMUTUSKAN" in flat and "KESATU" in flat
    assert "Mekanisme Penanganan Korban Kekerasan" in flat
    assert "LAMPIRAN" in flat.upper()
    for title in issued.steps.values_list("title", flat=True):
        assert " ".join(title.split()) in flat, title
    assert "198001012005011001" in flat.replace(" ", "")  # printed as 19800101 200501 1 001
    for old in artifacts.glob("mechanism-sk-page-*.png"):
        old.unlink()
    subprocess.run(  # noqa: S603
        [PDFTOPPM, "-r", "50", "-png", str(pdf), str(artifacts / "mechanism-sk-page")],
        check=True,
    )
    assert list(artifacts.glob("mechanism-sk-page-*.png"))

    # And a new version that changes a deadline shows the change in words
    lurah.click(f"form[action='/mekanisme/versi/{version.pk}/versi-baru/'] button")
    second = MechanismVersion.objects.get(number=2)
    contact = second.steps.get(action="first_contact")
    lurah.click(f"a[href='/mekanisme/langkah/{contact.pk}/']")
    page.fill("input[name=amount_medium]", "4")
    page.fill("input[name=title]", "Kontak pertama dengan korban secara aman")
    lurah.click("main form.stack button[type=submit]")
    lurah.click(f"a[href='/mekanisme/versi/{second.pk}/perbandingan/']")
    changes = " ".join(lurah.text(".mech-changes").split())
    assert "Deadline (medium)" in changes and "removed: 6" in changes and "added: 4" in changes
    lurah.shot("10-diff")
    lurah.close()
