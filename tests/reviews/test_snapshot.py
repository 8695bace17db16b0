"""The person's snapshot on the ledger entries (reviews/snapshot.py): after each kind of write to the
person the entry's branch and "still to be admitted" equal the person's; the rebuild repairs any drift."""

import datetime as dt
import io

from django.core.management import call_command

from applicants.models import ApplicantStatus
from applicants.services import applicant_terminate, applicant_transfer
from reviews import snapshot
from reviews.models import LedgerEntry
from tests.applicants.pipeline import advance

D = dt.date


def facts(entry: LedgerEntry) -> tuple:
    entry.refresh_from_db()
    a = entry.applicant
    a.refresh_from_db()
    return (entry.branch_id, entry.pending), (a.branch_id, a.admitted_on is None and a.status == ApplicantStatus.ACTIVE)


def test_a_new_entry_carries_the_person(world, make_candidate, submit):
    entry = submit(make_candidate(until=7))
    now, person = facts(entry)
    assert now == person == (world.a1.pk, True)
    assert snapshot.stale() == 0


def test_a_transfer_moves_the_entry_to_the_new_branch(world, make_candidate, submit):
    entry = submit(make_candidate(until=7))
    applicant_transfer(applicant=entry.applicant, date=D(2023, 5, 1), actor=world.users.committee, to_branch=world.a2)
    now, person = facts(entry)
    assert now == person and now[0] == world.a2.pk


def test_leaving_the_pipeline_ends_pending(world, make_candidate, submit):
    entry = submit(make_candidate(until=7))
    applicant_terminate(
        applicant=entry.applicant, outcome=ApplicantStatus.NOT_DEVELOPED, reason="本人放弃", date=D(2023, 5, 1),
        actor=world.users.secretary,
    )  # fmt: skip
    now, person = facts(entry)
    assert now == person and now[1] is False


def test_admission_ends_pending(world, make_candidate, submit):
    a = make_candidate(until=14)
    entry = LedgerEntry.objects.get(applicant=a) if LedgerEntry.objects.filter(applicant=a).exists() else submit(a)
    advance(world, a, until=17)
    now, person = facts(entry)
    assert now == person and now[1] is False


def test_the_rebuild_repairs_a_drifted_snapshot(world, make_candidate, submit):
    entry = submit(make_candidate(until=7))
    LedgerEntry.objects.filter(pk=entry.pk).update(branch=world.b1, pending=False)  # a write that sent no signal
    assert snapshot.stale() == 1
    out = io.StringIO()
    call_command("ledger_snapshot_rebuild", stdout=out)
    assert "台账人员快照已重写" in out.getvalue()
    assert snapshot.stale() == 0
    now, person = facts(entry)
    assert now == person == (world.a1.pk, True)


def test_the_nightly_job_is_scheduled():
    from django.conf import settings

    from jobs import tasks

    assert any(v["task"] == tasks.ledger_snapshot_nightly_task.name for v in settings.CELERY_BEAT_SCHEDULE.values())
