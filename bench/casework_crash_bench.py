"""Crash test of casework through the API: no note or referral acknowledged to a caseworker
is ever lost or stored twice, however often the server dies (SIGKILL); afterwards the
database passes its integrity check, the audit chain is intact, and a backup of it restores
whole into a new database (the restore drill).

Run from the repository root:

    PYTHONPATH=src .venv/bin/python bench/casework_crash_bench.py --writes 40 --kills 4

As ``public_crash_bench.py`` (whose server and database handling it shares): gunicorn on a
free port against a fresh SQLite file, or a database of its own next to DATABASE_URL's
(its name + ``_casework``). A caseworker's API token adds notes to cases and refers cases
to the social affairs office, each write with its own ``Idempotency-Key`` and retried with
the same key until answered; a killer thread SIGKILLs gunicorn's process group at random
moments. Then every acknowledged key must be stored exactly once, nothing else stored;
``audit_verify`` and (SQLite) ``PRAGMA integrity_check`` must pass; ``backup`` then
``restore`` into an empty database must bring back the same notes and referrals with the
audit chain intact. Exit status 1 on any failure.
"""

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from public_crash_bench import (
    PYTHON,
    ROOT,
    Server,
    django_run,
    drop_databases,
    free_port,
    scratch_databases,
    server_env,
)

SETUP = """
import json
from sipakatau.accounts.models import Membership, OrganisationType, Role
from sipakatau.accounts.services.setup import organisation_ensure
from sipakatau.accounts.tokens import api_token_issue
from sipakatau.areas.models import Area
from sipakatau.areas.services import areas_load_parepare
from sipakatau.referrals.tests.support import case_with_victim, consent_for_referral, provider_for
from tests.factories import make_user

areas_load_parepare()
unit = organisation_ensure(name="LBK-KK Bahagia", short_name="LBK-KK Bahagia",
    type=OrganisationType.LBK_KK, area=Area.objects.get(code="73.72.03.1003"))
dinsos = organisation_ensure(name="Dinas Sosial Kota Parepare", short_name="Dinsos",
    type=OrganisationType.DINSOS, area=Area.objects.get(code="73.72"))
worker = Membership.objects.get(user=make_user(unit, Role.CASEWORKER), organisation=unit)
provider = provider_for(dinsos)
cases = []
for _n in range(CASES):
    case, victim = case_with_victim(worker)
    consent_for_referral(worker, case, victim, OrganisationType.DINSOS)
    cases.append([case.pk, victim.pk])
print(json.dumps({"token": api_token_issue(membership=worker).token, "cases": cases,
                  "provider": provider.pk}))
"""

DUMP = """
import json
from sipakatau.cases.models import Note
from sipakatau.referrals.models import Referral
print(json.dumps({
    "notes": [n.body for n in Note.objects.all()],
    "referrals": [r.reason for r in Referral.objects.all()],
}))
"""

INTEGRITY = """
from django.db import connection
if connection.vendor == "sqlite":
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA integrity_check")
        print(cursor.fetchone()[0])
else:
    print("ok")
"""


@dataclass
class Tally:
    acknowledged: dict[str, str] = field(default_factory=dict)  # key: kind
    retries: int = 0
    replayed: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def retry(self, why: str) -> None:
        with self.lock:
            self.retries += 1
            self.errors[why] = self.errors.get(why, 0) + 1


def write(
    port: int, token: str, key: str, kind: str, case: list[int], provider: int, tally: Tally
) -> None:
    case_id, victim_id = case
    if kind == "note":
        url, body = f"/api/v1/cases/{case_id}/notes", {"body": f"Catatan {key}"}
    else:
        url = f"/api/v1/referrals/cases/{case_id}"
        body = {
            "provider_id": provider,
            "service_type": "BANSOS",
            "urgency": "ROUTINE",
            "reason": f"Rujukan {key}",
            "shared_fields": ["VICTIM_FIRST_NAME", "NEEDS"],
            "subject_party_id": victim_id,
        }
    data = json.dumps(body).encode()
    headers = {
        "Content-Type": "application/json",
        "Authorization": f"Bearer {token}",
        "Idempotency-Key": key,
    }
    while True:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{url}", data=data, headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                status = response.status
                replayed = response.headers.get("Idempotent-Replayed") == "true"
        except urllib.error.HTTPError as error:
            if error.code not in (500, 502, 503):
                # A refusal is an answer too, but not one this bench expects: report it.
                detail = error.read()[:300].decode(errors="replace")
                raise RuntimeError(f"{kind} {key}: HTTP {error.code} {detail}") from error
            tally.retry(f"http {error.code}")
        except (OSError, ValueError) as error:  # refused, reset, timed out, cut short
            tally.retry(type(error).__name__)
        else:
            if status == 201:
                with tally.lock:
                    tally.acknowledged[key] = kind
                    tally.replayed += replayed
                return
            tally.retry(f"http {status}")
        time.sleep(0.02)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writes", type=int, default=60)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    scratch = Path(tempfile.mkdtemp(prefix="sipakatau-casework-crash-"))
    env = server_env(scratch / "var")
    (scratch / "var").mkdir()
    databases = scratch_databases(env, "casework", "casework_restore")
    try:
        return run(args, rng, env, scratch, databases)
    finally:
        drop_databases(databases)


def manage(env: dict[str, str], *arguments: str) -> str:
    done = subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", *arguments], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {arguments[0]} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def run(
    args: argparse.Namespace,
    rng: random.Random,
    env: dict[str, str],
    scratch: Path,
    databases: list[str],
) -> int:
    manage(env, "migrate", "--no-input", "-v", "0")
    cases_needed = (args.writes + 1) // 2
    setup = json.loads(django_run(env, f"CASES = {cases_needed}\n" + SETUP).splitlines()[-1])
    port = free_port()
    server = Server(env, port, args.workers)
    server.start()
    tally = Tally()
    clients_done = threading.Event()
    kills = 0

    def killer() -> None:
        nonlocal kills
        while kills < args.kills and not clients_done.is_set():
            time.sleep(rng.uniform(0.05, 0.6))
            if clients_done.is_set():
                return
            server.kill()
            kills += 1
            server.start()

    # Half notes (on any case), half referrals (one per case: its consent is for one).
    jobs = []
    for n in range(args.writes):
        kind = "note" if n % 2 else "referral"
        jobs.append((f"cw-{args.seed}-{n:05d}", kind, setup["cases"][n // 2]))
    queue_lock = threading.Lock()
    failures: list[str] = []

    def client() -> None:
        while True:
            with queue_lock:
                if not jobs:
                    return
                key, kind, case = jobs.pop(0)
            try:
                write(port, setup["token"], key, kind, case, setup["provider"], tally)
            except RuntimeError as error:
                failures.append(str(error))

    started = time.monotonic()
    kill_thread = threading.Thread(target=killer)
    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    kill_thread.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    clients_done.set()
    kill_thread.join()
    elapsed = time.monotonic() - started
    server.kill()

    stored = json.loads(django_run(env, DUMP).splitlines()[-1])
    counts: dict[str, int] = {}
    for text in stored["notes"] + stored["referrals"]:
        key = text.split(" ", 1)[1]
        counts[key] = counts.get(key, 0) + 1
    lost = [k for k in tally.acknowledged if k not in counts]
    duplicated = [k for k, n in counts.items() if n > 1]
    extra = [k for k in counts if k not in tally.acknowledged]
    integrity = django_run(env, INTEGRITY).strip().splitlines()[-1]
    audit = manage(env, "audit_verify").strip()

    # The restore drill: a backup of the crashed-upon database into a new, empty one.
    backup = scratch / "drill.sipbak"
    manage(env, "backup", "--output", str(backup), "--no-progress")
    restored_env = dict(env)
    restored_var = scratch / "restored"
    restored_var.mkdir()
    for name in ("secret_key", "audit_key", "backup_key", "field_keys", "index_key"):
        if (scratch / "var" / name).exists():
            shutil.copy2(scratch / "var" / name, restored_var / name)
    restored_env["SIPAKATAU_VAR_DIR"] = str(restored_var)
    if databases:
        restored_env["DATABASE_URL"] = urlunsplit(
            urlsplit(env["DATABASE_URL"])._replace(path=f"/{databases[1]}")
        )
    manage(restored_env, "restore", str(backup), "--no-progress")
    restored = json.loads(django_run(restored_env, DUMP).splitlines()[-1])
    restored_audit = manage(restored_env, "audit_verify").strip()
    same = sorted(restored["notes"]) == sorted(stored["notes"]) and sorted(
        restored["referrals"]
    ) == sorted(stored["referrals"])

    database = databases[0] if databases else "sqlite"
    print(f"Casework crash test, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, database: {database}")
    print(f"writes sent         {args.writes} (notes and referrals, {args.clients} clients)")
    print(f"gunicorn workers    {args.workers}")
    print(f"kills (SIGKILL)     {kills}")
    print(f"retries             {tally.retries} {dict(sorted(tally.errors.items()))}")
    print(f"acknowledged        {len(tally.acknowledged)} (replayed after a lost answer:"
          f" {tally.replayed})")  # fmt: skip
    print(f"stored              {sum(counts.values())}")
    print(f"lost                {len(lost)}")
    print(f"duplicated          {len(duplicated)}")
    print(f"stored, not acked   {len(extra)}")
    print(f"refused             {len(failures)} {failures[:3]}")
    print(f"integrity check     {integrity}")
    print(f"audit chain         {audit}")
    print(f"restore drill       {'same notes and referrals' if same else 'DIFFERENT'};"
          f" {restored_audit}")  # fmt: skip
    print(f"time                {elapsed:.1f} s")
    failed = (
        lost
        or duplicated
        or extra
        or failures
        or integrity != "ok"
        or len(tally.acknowledged) != args.writes
        or not same
    )
    print("RESULT              " + ("FAIL" if failed else "ok: nothing lost, nothing twice"))
    if not failed:
        shutil.rmtree(scratch, ignore_errors=True)
    else:
        print(f"kept for inspection: {scratch}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
