"""Celery tasks: thin wrappers (ids in, one service call). Schedules live in settings
(CELERY_BEAT_SCHEDULE); the bodies are plain functions in ``jobs.notify`` / ``jobs.stale``, which
queue follow-up work by task name (``jobs.broker``) and never import this module.

Only transient errors are retried: network/SMTP (OSError, SMTPException) and broker errors.
"""

from __future__ import annotations

import smtplib

from celery import shared_task
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from . import broker
from .models import JobKind
from .notify import email_send, job_run, job_start_scheduled, jobs_requeue
from .stale import stale_scan_run

TRANSIENT = (OSError, smtplib.SMTPException, BrokerError)
RETRY = {
    "autoretry_for": TRANSIENT,
    "retry_backoff": 30,
    "retry_backoff_max": 30 * 60,
    "retry_jitter": True,
    "max_retries": 5,
    "acks_late": True,
}


@shared_task(name=broker.SEND_EMAIL, soft_time_limit=60, time_limit=90, **RETRY)
def send_email_task(log_id: int) -> str:
    return email_send(log_id=log_id)


@shared_task(name=broker.RUN_JOB, soft_time_limit=20 * 60, time_limit=25 * 60, **RETRY)
def run_job_task(job_id: int) -> str:
    return job_run(job_id=job_id).status


@shared_task(name="jobs.stale_scan_nightly", soft_time_limit=20 * 60, time_limit=25 * 60, **RETRY)
def stale_scan_nightly_task() -> int:
    return stale_scan_run(as_of=timezone.localdate(), source="task").pk


@shared_task(name="jobs.compliance_monthly", soft_time_limit=20 * 60, time_limit=25 * 60, **RETRY)
def compliance_monthly_task() -> str:
    return job_start_scheduled(kind=JobKind.COMPLIANCE, today=timezone.localdate()).status


@shared_task(name="jobs.deadline_reminders_daily", soft_time_limit=20 * 60, time_limit=25 * 60, **RETRY)
def deadline_reminders_daily_task() -> str:
    return job_start_scheduled(kind=JobKind.REMINDERS, today=timezone.localdate()).status


@shared_task(name=broker.DUE_REBUILD, soft_time_limit=50 * 60, time_limit=55 * 60, **RETRY)
def due_rebuild_nightly_task() -> dict:
    """The stored next to-do item of everyone (applicants.due): rule rows that came into force."""
    from applicants.due import rebuild

    return rebuild(today=timezone.localdate())


@shared_task(name="jobs.ledger_snapshot_nightly", soft_time_limit=50 * 60, time_limit=55 * 60, **RETRY)
def ledger_snapshot_nightly_task() -> int:
    """The person's snapshot on every ledger entry (reviews/snapshot.py), rewritten from the people."""
    from reviews.snapshot import rebuild

    return rebuild()


@shared_task(name="jobs.change_marks_prune", soft_time_limit=20 * 60, time_limit=25 * 60, **RETRY)
def change_marks_prune_task() -> int:
    """Every change mark but the newest of each scope (recruitment/changes.py): the keys stay the same."""
    from recruitment.changes import prune

    return prune()


@shared_task(name="jobs.requeue", soft_time_limit=5 * 60, time_limit=6 * 60, **RETRY)
def requeue_task() -> dict:
    return jobs_requeue()
