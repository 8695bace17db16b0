"""Issue 12, "race loser gets 500 ("database is locked" on SQLite; IntegrityError/UniqueViolation on a
concurrent ledger confirm)". Each test lets the winner write at the last moment before the loser's own
write (a patched hook inside the loser's transaction), which is the interleaving a real race produces;
the loser gets a clear Chinese message and nothing of its own is written — on SQLite and, in CI with
DATABASE_URL, on PostgreSQL. (tests/reviews/test_concurrency.py races real threads on PostgreSQL.)"""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.db import IntegrityError, OperationalError
from django.urls import reverse

import applicants.ledger
import applicants.services
import reviews.services
from applicants.models import Applicant, StepRecord
from recruitment.errors import CONFLICT_MESSAGE, DomainError, conflict_on_race, is_race
from reviews.models import LedgerEntry, ReviewDecision, Verdict
from tests.applicants.people import new_applicant
from tests.applicants.test_ledger_import import row
from tests.applicants.test_ledger_views import upload
from tests.clock import TODAY

from .conftest import make_candidate  # noqa: F401


class DriverError(Exception):
    """What psycopg raises: the SQLSTATE in ``sqlstate``."""

    def __init__(self, sqlstate: str):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def _page(resp) -> str:
    return resp.content.decode()


def test_the_loser_of_a_race_for_the_same_step_is_told_and_nothing_is_doubled(world, client_for):
    a = new_applicant(world, applied=TODAY - dt.timedelta(days=5))
    real_evaluate = applicants.services.evaluate
    raced = []

    def winner_first(ctx, ruleset):
        verdict = real_evaluate(ctx, ruleset)
        if not raced:  # the other tab's record, once (the page shown afterwards judges steps again)
            raced.append(StepRecord.objects.create(applicant_id=a.pk, step=2, date=TODAY, outcome="完成"))
        return verdict

    with mock.patch.object(applicants.services, "evaluate", side_effect=winner_first):
        resp = client_for(world.users.secretary).post(
            reverse("applicants:record_step", args=[a.pk, 2]),
            {"step-date": TODAY.isoformat(), "step-talker": "李书记", "step-notes": ""},
            follow=True,
        )
    assert resp.status_code == 200
    assert CONFLICT_MESSAGE in _page(resp)
    assert not StepRecord.objects.filter(applicant=a, step=2).exists()  # the loser's transaction rolled back
    assert Applicant.objects.get(pk=a.pk).current_step == 1


def test_the_loser_of_a_race_for_the_same_review_tier_is_told_who_decided(world, client_for, make_candidate):  # noqa: F811
    from reviews.services import ledger_submit

    entry = ledger_submit(applicant=make_candidate(), year=2023, actor=world.users.secretary, today=TODAY)
    version = entry.version
    real_check = reviews.services._check_separation

    def winner_first(e, tier, actor, on, ruleset):
        real_check(e, tier, actor, on, ruleset)
        # Another reviewer's decision commits between our read of the version and our write.
        ReviewDecision.objects.create(
            entry=e, tier=tier, verdict=Verdict.PASS, reason="同意", reviewer=world.users.committee, decided_on=on
        )
        LedgerEntry.objects.filter(pk=e.pk).update(version=version + 1)

    with mock.patch.object(reviews.services, "_check_separation", side_effect=winner_first):
        resp = client_for(world.users.secretary).post(
            reverse("reviews:entry_decide", args=[entry.pk]),
            {
                "version": version,
                "tier": 1,
                "verdict": Verdict.FAIL,
                "decided_on": TODAY.isoformat(),
                "reason": "不同意",
            },
            follow=True,
        )
    assert resp.status_code == 200
    page = _page(resp)
    assert f"该条目已由{world.users.committee}于" in page and "请刷新后查看" in page
    entry.refresh_from_db()
    assert not ReviewDecision.objects.filter(entry=entry, verdict=Verdict.FAIL).exists()


def test_the_loser_of_two_concurrent_ledger_confirms_is_told_and_the_file_is_kept(world, client_for, tmp_path):
    client = client_for(world.users.secretary)
    token = upload(client, tmp_path, [row()]).context["token"]
    real_write = applicants.ledger._write

    def winner_first(plans, **kwargs):
        winner = plans[0].applicant
        Applicant.objects.create(  # the other confirm created the same person a moment earlier
            name=winner.name, id_number=winner.id_number, birth_date=winner.birth_date,
            gender=winner.gender, branch=winner.branch,
        )  # fmt: skip
        return real_write(plans, **kwargs)

    with mock.patch.object(applicants.ledger, "_write", side_effect=winner_first):
        resp = client.post(reverse("ledger:confirm"), {"token": token}, follow=True)
    assert resp.status_code == 200
    assert CONFLICT_MESSAGE in _page(resp)


@pytest.mark.parametrize(
    "error",
    [
        IntegrityError("UNIQUE constraint failed: applicants_steprecord.applicant_id"),  # SQLite
        OperationalError("database is locked"),  # SQLite, a writer that waited too long
        "23505",  # PostgreSQL unique_violation (the driver's error is the cause)
        "40001",  # PostgreSQL serialization_failure
        "40P01",  # PostgreSQL deadlock_detected
    ],
)
def test_every_lost_race_becomes_the_same_message_on_both_databases(error):
    if isinstance(error, str):
        exc = IntegrityError("duplicate key value violates unique constraint")
        exc.__cause__ = DriverError(error)
    else:
        exc = error
    assert is_race(exc)
    with pytest.raises(DomainError) as refused, conflict_on_race():
        raise exc
    assert refused.value.rules == ["CONFLICT"] and str(refused.value).endswith(CONFLICT_MESSAGE)


def test_the_drivers_own_unique_violation_is_a_race_too():
    """The ledger's COPY runs on psycopg's raw cursor: its error is not wrapped in Django's IntegrityError."""
    with pytest.raises(DomainError) as refused, conflict_on_race():
        raise DriverError("23505")
    assert refused.value.rules == ["CONFLICT"]


def test_other_database_errors_are_not_disguised_as_races():
    with pytest.raises(DriverError), conflict_on_race():
        raise DriverError("23502")  # not_null_violation
    exc = IntegrityError("NOT NULL constraint failed: applicants_applicant.name")
    assert not is_race(exc)
    with pytest.raises(IntegrityError), conflict_on_race():
        raise exc
