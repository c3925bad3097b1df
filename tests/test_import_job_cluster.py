"""The needs-mapping submissions import end to end through a real django-q2 cluster
(issue 20): an upload saved in one process queues its job on commit (the database broker,
as a kelurahan runs it); ``manage.py qcluster``, another process, picks it up, imports the
rows, deletes the stored file and tells the uploader. On a scratch SQLite file, and with
DATABASE_URL on a scratch PostgreSQL database ``<name>_importjob``."""

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.served import MANAGE, PYTHON, ROOT, base_env, django, migrate, scratch_database

UPLOAD = """
from django_q.models import OrmQ
from sipakatau.accounts.models import Role
from sipakatau.mapping import services
from sipakatau.mapping.tests.support import _member, active_questionnaire
from sipakatau.mapping.tests.test_import_submissions import kobo_csv
from tests.factories import WATANG_SOREANG, make_organisation

unit = make_organisation("LBK-KK Bahagia", area_code=WATANG_SOREANG)
run = services.submissions_import(
    actor=_member(unit, Role.COORDINATOR),
    questionnaire=active_questionnaire(unit),
    data=kobo_csv(),
    file_name="kobo.csv",
)
result = {"run": run.pk, "status": run.status, "queued": OrmQ.objects.count()}
"""

STATE = """
from django_q.models import Task
from sipakatau.mapping.models import ImportFile, ImportRun
from sipakatau.notifications.models import Notification

run = ImportRun.objects.get(pk=int(sys.argv[1]))
result = {
    "status": run.status,
    "counts": [
        run.rows_done, run.rows_total, run.rows_created, run.rows_duplicate, run.rows_rejected
    ],
    "submissions": run.submissions.count(),
    "file_kept": ImportFile.objects.filter(run=run).exists(),
    "notified": list(
        Notification.objects.filter(recipient=run.imported_by).values_list("template", flat=True)
    ),
    "tasks": list(Task.objects.values_list("func", "success")),
}
"""


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_cluster_picks_up_the_import_and_finishes_it(tmp_path: Path, backend: str) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    log = folder / "setup.log"
    with scratch_database(backend, "importjob") as database_url:
        env = base_env(folder)
        if database_url:
            env["DATABASE_URL"] = database_url
        migrate(env, log=log)
        queued = django(env, UPLOAD, log=log)
        assert isinstance(queued, dict)
        assert (queued["status"], queued["queued"]) == ("QUEUED", 1)

        def state() -> dict[str, object]:
            found = django(env, f"sys.argv[1:] = ['{queued['run']}']\n" + STATE, log=log)
            assert isinstance(found, dict)
            return found

        with open(folder / "cluster.log", "ab") as out:
            cluster = subprocess.Popen(  # noqa: S603
                [PYTHON, MANAGE, "qcluster"],
                env=env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            deadline = time.monotonic() + 90
            seen = state()
            while seen["status"] in ("QUEUED", "RUNNING") and time.monotonic() < deadline:
                time.sleep(1)
                seen = state()
        finally:
            with contextlib.suppress(ProcessLookupError):
                cluster.send_signal(signal.SIGTERM)
            try:
                cluster.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(cluster.pid, signal.SIGKILL)
                cluster.wait()

    assert seen["status"] == "DONE", (folder / "cluster.log").read_text(encoding="utf-8")
    done, total, created, duplicate, rejected = seen["counts"]  # type: ignore[misc]
    # (The template form, not the KoBo test form: most of the file's rows are refused.)
    assert done == total == created + duplicate + rejected == 8
    assert created == seen["submissions"] > 0
    assert seen["file_kept"] is False
    assert seen["notified"] == ["submissions_import_done"]
    assert ["sipakatau.mapping.tasks.import_submissions", True] in seen["tasks"]
    assert cluster.returncode == 0
