"""The stored next due item per person: ``Applicant.next_due_kind`` / ``next_due_on``.

What the to-do list shows of a person (``selectors.due_items_for``) depends on the person's dates, their
assessments, trainings and step-11 exception, and on the rule rows in force — never on the day alone:
each item's due date is fixed, and it enters the list ``DueKind.LEAD_DAYS`` before it. So the item
that enters the list first is kept on the row, and "who is on the to-do list today" is one SQL filter
(:func:`listed_q`) for a branch, a committee or the department alike; the messages are still written
by ``due_items_for`` for the people it returns.

Kept by:
- every write of an input (the applicant row itself, an assessment, a training, a step record — the
  step-11 exception lives there): signals connected in ``ApplicantsConfig.ready`` (:func:`connect`);
- the ledger import (bulk writes, no signals) calling :func:`refresh`;
- ``manage.py due_rebuild`` / the nightly Celery job ``jobs.due_rebuild_nightly`` for everyone (rule rows
  that change or come into force; a rule row saved also queues it, see ``jobs.apps``).

The training shortfall (R9) has no calendar deadline: it is stored from the day of the person's last
step (when the shortfall began to matter), so the stored value does not move with the day.
tests/applicants/test_due.py holds the invariant (stored = computed after each kind of write).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from recruitment.dates import add_years

from . import steps as S

CHUNK = 5000


def _kinds():
    from .selectors import DueKind

    return DueKind


def listed_from(kind: str, due: dt.date) -> dt.date:
    """The first day the item of ``kind`` due on ``due`` is on the to-do list."""
    return due - dt.timedelta(days=_kinds().LEAD_DAYS.get(kind, 0))


def compute(a, *, today: dt.date, ruleset) -> tuple[str, dt.date | None]:
    """(kind, due) of the item that enters the to-do list first; ("", None) when there is none.
    ``a`` is annotated with ``selectors.with_due_facts``."""
    from .selectors import due_items_for

    DueKind = _kinds()
    found: list[tuple[dt.date, int, str, dt.date]] = []
    for item in due_items_for(a, today=today, ruleset=ruleset):
        if item.kind == DueKind.TRAINING:
            due = a.last_step_on or today
        elif item.kind == DueKind.CANDIDATE_READY:
            continue  # added below whether or not it is reached yet
        else:
            due = item.due
        found.append((listed_from(item.kind, due), DueKind.ORDER.index(item.kind), item.kind, due))
    # R6: one year as activist — listed from that day (due_items_for only returns it once reached).
    p = ruleset.params("R6", today)
    if a.status == "active" and p is not None and a.current_step == S.ACTIVIST_EDUCATION and a.activist_on:
        due = add_years(a.activist_on, int(p.get("years", 1)))
        kind = DueKind.CANDIDATE_READY
        found.append((listed_from(kind, due), DueKind.ORDER.index(kind), kind, due))
    if not found:
        return "", None
    _, _, kind, due = min(found)
    return kind, due


def listed_q(today: dt.date) -> Q:
    """People with at least one item on the to-do list on ``today`` (the stored item enters first)."""
    DueKind = _kinds()
    q = Q()
    for kind, lead in DueKind.LEAD_DAYS.items():
        q |= Q(next_due_kind=kind, next_due_on__lte=today + dt.timedelta(days=lead))
    return q


def _rows(qs, *, today: dt.date, ruleset):
    from .selectors import with_due_facts

    for a in with_due_facts(qs).order_by():
        yield a.pk, compute(a, today=today, ruleset=ruleset), (a.next_due_kind, a.next_due_on)


def _write(changes: list[tuple[int, str, dt.date | None]]) -> None:
    from .models import Applicant

    if not changes:
        return
    table = Applicant._meta.db_table
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            for i in range(0, len(changes), CHUNK):
                part = changes[i : i + CHUNK]
                values = ",".join(["(%s, %s, %s::date)"] * len(part))
                params = [x for row in part for x in row]
                cur.execute(
                    f"UPDATE {table} AS a SET next_due_kind = v.kind, next_due_on = v.due "
                    f"FROM (VALUES {values}) AS v(id, kind, due) WHERE a.id = v.id",
                    params,
                )
        return
    objs = [Applicant(pk=pk, next_due_kind=kind, next_due_on=due) for pk, kind, due in changes]
    Applicant.objects.bulk_update(objs, ["next_due_kind", "next_due_on"], batch_size=500)


def refresh(applicant_ids: Iterable[int | None], *, today: dt.date | None = None) -> dict[int, tuple]:
    """Recompute the stored item of these people (two queries and one update for those that changed);
    returns {id: (kind, due)} for all of them. The version is not bumped: the page shows the
    computed items, not the stored ones."""
    from .models import Applicant
    from .rulebook import RuleSet

    ids = sorted({i for i in applicant_ids if i})
    if not ids:
        return {}
    today = today or timezone.localdate()
    ruleset = RuleSet.load()
    result, changes = {}, []
    for i in range(0, len(ids), CHUNK):
        qs = Applicant.objects.filter(pk__in=ids[i : i + CHUNK])
        for pk, new, old in _rows(qs, today=today, ruleset=ruleset):
            result[pk] = new
            if new != old:
                changes.append((pk, *new))
    _write(changes)
    return result


def rebuild(*, today: dt.date | None = None, log=None) -> dict[str, int]:
    """Recompute everyone (the nightly job). People no longer active lose their item in one UPDATE;
    the active ones are read in primary-key chunks and only changed rows are written. Idempotent."""
    from .models import Applicant, ApplicantStatus
    from .rulebook import RuleSet

    today = today or timezone.localdate()
    ruleset = RuleSet.load()
    cleared = (
        Applicant.objects.exclude(status=ApplicantStatus.ACTIVE)
        .exclude(next_due_kind="", next_due_on__isnull=True)
        .update(next_due_kind="", next_due_on=None)
    )
    seen = changed = 0
    last = 0
    active = Applicant.objects.filter(status=ApplicantStatus.ACTIVE)
    while True:
        ids = list(active.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:CHUNK])
        if not ids:
            break
        last = ids[-1]
        qs = Applicant.objects.filter(pk__gte=ids[0], pk__lte=last, status=ApplicantStatus.ACTIVE)
        changes = [(pk, *new) for pk, new, old in _rows(qs, today=today, ruleset=ruleset) if new != old]
        _write(changes)
        seen += len(ids)
        changed += len(changes)
        if log and seen % (CHUNK * 40) < CHUNK:
            log(f"{seen} 人，更新 {changed} 人")
    return {"active": seen, "changed": changed, "cleared": cleared}


# --- the hooks ------------------------------------------------------------------------------------------------
def _on_input(sender, instance, **kwargs) -> None:
    refresh([getattr(instance, "applicant_id", None)])


def _on_applicant_save(sender, instance, update_fields=None, **kwargs) -> None:
    if update_fields is not None and set(update_fields) <= {"version", "next_due_kind", "next_due_on", "updated_at"}:
        return
    got = refresh([instance.pk]).get(instance.pk)
    if got is not None:
        instance.next_due_kind, instance.next_due_on = got


def connect() -> None:
    from .models import Applicant, Assessment, StepRecord, Training

    post_save.connect(_on_applicant_save, sender=Applicant, dispatch_uid="applicant-due-self")
    for model in (Assessment, Training, StepRecord):
        label = model._meta.label
        post_save.connect(_on_input, sender=model, dispatch_uid=f"applicant-due-{label}")
        post_delete.connect(_on_input, sender=model, dispatch_uid=f"applicant-due-del-{label}")
