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
    (``retry``, ``retry_policy``, ``queue`` …). Raises the broker's error when it cannot be reached.

    Results are never read (a ``JobRun``/``EmailLog`` row records the outcome), so sending does not touch
    the result backend: with Redis down, subscribing to a result made the button wait ~20 s and then
    raise celery's ``RuntimeError`` (issue 12) instead of the broker's error the callers catch."""
    options.setdefault("ignore_result", True)
    return current_app.send_task(name, args=list(args), **options)
