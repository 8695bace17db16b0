"""Queuing by task name. The job bodies (``notify``) put work on the broker through ``send`` and
never import ``jobs.tasks``, which imports them: tasks → notify → broker, no cycle.

The names are those the tasks in ``jobs.tasks`` register under (and beat uses for its schedules)."""

from __future__ import annotations

from celery import current_app

SEND_EMAIL = "jobs.send_email"
RUN_JOB = "jobs.run_job"
DUE_REBUILD = "jobs.due_rebuild_nightly"


def send(name: str, *args, **options):
    """Queue the task ``name`` with positional ``args``; ``options`` are those of ``apply_async``
    (``retry``, ``retry_policy``, ``queue`` …). Raises the broker's error when it cannot be reached."""
    return current_app.send_task(name, args=list(args), **options)
