"""Metrics for a hub's monitoring: who may read them, and the job counters.

Requests, responses and database queries are counted by django-prometheus (settings:
its two middlewares and database wrappers). Its labels are the view's name
(``cases:detail``), the method, the status and the template, never the path: a path
holds a case's id, and a query string may hold a name.

Several processes (gunicorn's workers, the job cluster) each count their own; to read
them as one, the server sets ``PROMETHEUS_MULTIPROC_DIR`` to an empty directory before
they start (docs/operator.md, "Health, metrics and logs").
"""

import ipaddress
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from prometheus_client import Counter, Histogram

JOB_RUNS = Counter(
    "sipakatau_job_runs_total", "Jobs run to the end, by the task's function.", ["task"]
)
JOB_FAILURES = Counter(
    "sipakatau_job_failures_total", "Jobs that failed, by the task's function.", ["task"]
)
JOB_SECONDS = Histogram(
    "sipakatau_job_duration_seconds", "How long a job ran, by the task's function.", ["task"]
)


def metrics_allowed(request: HttpRequest) -> bool:
    """A scraper that asks the app server directly, from an allowed address.

    A request with X-Forwarded-For came through the reverse proxy, which itself connects
    from loopback: were it let in, anyone on the internet could read the metrics through
    the proxy. Prometheus scrapes each app server directly, not through the proxy.
    """
    if "HTTP_X_FORWARDED_FOR" in request.META or "HTTP_FORWARDED" in request.META:
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(
        address in ipaddress.ip_network(allowed, strict=False)
        for allowed in settings.SIPAKATAU_METRICS_ALLOWED
    )


def _task_label(task: dict[str, Any]) -> str:
    """The task's function (``sipakatau.notifications.jobs.deliver``): a name from the
    code, so the label has few values and no data. Never the task's own name, which
    django-q makes up per task, nor its arguments."""
    func = task.get("func")
    if isinstance(func, str):
        return func
    if callable(func):
        return f"{func.__module__}.{func.__qualname__}"
    return "unknown"


def job_finished(sender: Any, task: dict[str, Any], **kwargs: Any) -> None:
    """django-q's ``post_execute``: sent by the cluster once per finished job."""
    label = _task_label(task)
    JOB_RUNS.labels(task=label).inc()
    if not task.get("success"):
        JOB_FAILURES.labels(task=label).inc()
    started, stopped = task.get("started"), task.get("stopped")
    if started is not None and stopped is not None:
        JOB_SECONDS.labels(task=label).observe(max((stopped - started).total_seconds(), 0.0))


def connect_job_metrics() -> None:
    from django_q.signals import post_execute

    post_execute.connect(job_finished, dispatch_uid="sipakatau.job_metrics")
