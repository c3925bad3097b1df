"""The load scenario (run by ``bench/load_bench.py``, never on its own): caseworkers of two
units read their cases (70 %), add notes (20 %), neighbours send public reports (5 %) and
DP3A reads the city's indicators (5 %), all through the JSON API.

The setup file (``LOAD_SETUP``, written by the runner) holds one API token per caseworker
with the ids of her unit's cases, and a DP3A token."""

import json
import os
import random
import uuid

from locust import HttpUser, between, task

SETUP = json.loads(open(os.environ["LOAD_SETUP"], encoding="utf-8").read())  # noqa: SIM115


class Caseworker(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        worker = random.choice(SETUP["workers"])
        self.cases = worker["cases"]
        self.client.headers["Authorization"] = f"Bearer {worker['token']}"

    @task(70)
    def read_case(self) -> None:
        case_id = random.choice(self.cases)
        self.client.get(f"/api/v1/cases/{case_id}", name="case read")

    @task(20)
    def add_note(self) -> None:
        case_id = random.choice(self.cases)
        self.client.post(
            f"/api/v1/cases/{case_id}/notes",
            json={"body": "Kunjungan rumah, korban aman."},
            headers={"Idempotency-Key": uuid.uuid4().hex},
            name="case update (note)",
        )

    @task(5)
    def public_report(self) -> None:
        self.client.post(
            "/api/v1/public/reports",
            json={
                "kelurahan_code": SETUP["kelurahan"],
                "about_self": False,
                "what_happened": "Tetangga saya sering dipukul suaminya.",
            },
            headers={"Idempotency-Key": uuid.uuid4().hex, "Authorization": ""},
            name="public report",
        )

    @task(5)
    def dashboard(self) -> None:
        self.client.get(
            "/api/v1/reports/indicators?period=" + SETUP["year"],
            headers={"Authorization": f"Bearer {SETUP['dp3a_token']}"},
            name="dashboard (city indicators)",
        )
