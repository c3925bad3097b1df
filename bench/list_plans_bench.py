"""The query plans of the first page of each scoped list (issue 19): the unit's case list
(all, one status, a caseworker's), a person's follow-ups (to do, done), the referral
inbox's tabs, and the monitoring page's live count of the deadlines not yet due.

Run from the repository root:

    PYTHONPATH=src DJANGO_SETTINGS_MODULE=sipakatau.settings SIPAKATAU_VAR_DIR=/tmp/bench-var \\
        .venv/bin/python bench/list_plans_bench.py [--cases 20000]

On a scratch database (SQLite, or with DATABASE_URL a ``test_<name>`` database on that
PostgreSQL server, dropped at the end), with the cases and referrals of ``reports_data``,
follow-ups for one volunteer, ANALYZE run; prints each plan (EXPLAIN QUERY PLAN on
SQLite, EXPLAIN on PostgreSQL) as the planner chooses it, nothing forced.
"""

import argparse
import os
import random
import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import django

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reports_data import generate


def plan(label: str, queryset: Any, size: int | None = 26) -> None:
    from django.db import connection

    sql, params = (queryset[:size] if size else queryset).query.sql_with_params()
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        rows = [" ".join(str(part) for part in row) for row in cursor.fetchall()]
    print(f"\n{label}:\n    " + "\n    ".join(rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20_000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sipakatau.settings")
    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    scratch = tempfile.TemporaryDirectory(prefix="list-plans-")
    real_name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(Path(scratch.name) / "plans.sqlite3")
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        from sipakatau.accounts.models import Membership, Organisation, Role, User
        from sipakatau.audit.models import AuditEvent
        from sipakatau.cases import queries
        from sipakatau.cases.models import Case, CaseDeadline, FollowUp, Status
        from sipakatau.referrals import queries as referral_queries
        from sipakatau.referrals.models import Referral

        now = timezone.now()
        generate(args.cases, 2, now, random.Random(19))
        unit = Organisation.objects.annotate(n=Count("cases")).order_by("-n").first()
        assert unit is not None
        coordinator = Membership.objects.create(
            user=User.objects.create(username="plan.koordinator"),
            organisation=unit,
            role=Role.COORDINATOR,
        )
        worker = Membership.objects.create(
            user=User.objects.create(username="plan.pendamping"),
            organisation=unit,
            role=Role.CASEWORKER,
        )
        volunteer = Membership.objects.create(
            user=User.objects.create(username="plan.relawan"),
            organisation=unit,
            role=Role.VOLUNTEER,
        )
        cases = list(Case.objects.filter(organisation=unit).values_list("pk", flat=True)[:500])
        FollowUp.objects.bulk_create(
            FollowUp(
                case_id=cases[n % len(cases)],
                assigned_to_id=volunteer.user_id,
                created_by_id=volunteer.user_id,
                due_on=(now - timedelta(days=n % 700)).date(),
                done_at=now if n % 10 else None,
            )
            for n in range(5000)
        )
        busiest = (
            Referral.objects.values("recipient").annotate(n=Count("pk")).order_by("-n").first()
        )
        assert busiest is not None
        agency = Membership.objects.create(
            user=User.objects.create(username="plan.dinas"),
            organisation_id=busiest["recipient"],
            role=Role.AGENCY_OFFICER,
        )
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        print(
            f"{connection.vendor}: {Case.objects.count():,} cases, "
            f"{Case.objects.filter(organisation=unit).count():,} in the unit, "
            f"{Referral.objects.filter(recipient_id=busiest['recipient']).count():,} referrals "
            f"received by the busiest recipient, {AuditEvent.objects.count():,} audit events"
        )
        listed = queries.cases_listed
        plan("case list, unit (coordinator)", listed(coordinator, queries.CaseFilter()))
        plan(
            "case list, one status",
            listed(coordinator, queries.CaseFilter(status=Status.ASSESSED)),
        )
        plan("case list, a caseworker's unit tab", listed(worker, queries.CaseFilter()))
        plan("follow-ups to do", queries.follow_ups_listed(volunteer, done=False))
        plan("follow-ups done", queries.follow_ups_listed(volunteer, done=True))
        for show in ("new", "all", "accepted", "done"):
            plan(f"referral inbox, {show}", referral_queries.inbox_listed(agency, show=show))
        pending = (
            CaseDeadline.objects.filter(case__rule_set="default", met_at__isnull=True)
            .filter(due_at__gte=now)
            .exclude(case__status=Status.CLOSED)
            .values("code")
            .annotate(pending=Count("pk"))
        )
        plan("monitoring, deadlines not yet due", pending, None)
    finally:
        connection.creation.destroy_test_db(real_name, verbosity=0)
        scratch.cleanup()


if __name__ == "__main__":
    main()
