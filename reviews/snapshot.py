"""The person's snapshot on their ledger entries (``LedgerEntry.branch``, ``LedgerEntry.pending``).

The year's expected intake (quotas) counts the entries by branch subtree and by whether the person is
still to be admitted; reading those from the entry spares joining every applicant of a province
(bench/RESULTS.md). The snapshot is kept:
- on every write that touches a person: ``applicants.versions.person_changed`` (sent with the ids
  whose version was bumped, bulk imports included) refreshes their entries in one UPDATE;
- for a new entry, in ``LedgerEntry.save``;
- for everyone by :func:`rebuild` (``manage.py ledger_snapshot_rebuild``, the nightly Celery job, the
  benchmark generator).
tests/reviews/test_snapshot.py holds the invariant (snapshot = the person, after each kind of write).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, F, OuterRef, Q, Subquery

from applicants.models import Applicant, ApplicantStatus

PENDING = Q(admitted_on__isnull=True, status=ApplicantStatus.ACTIVE)


def person_facts(applicant: Applicant) -> tuple[int, bool]:
    return applicant.branch_id, applicant.admitted_on is None and applicant.status == ApplicantStatus.ACTIVE


def _refresh(entries) -> int:
    person = Applicant.objects.filter(pk=OuterRef("applicant_id"))
    return entries.update(
        branch_id=Subquery(person.values("branch_id")[:1]),
        pending=Exists(person.filter(PENDING)),
    )


def refresh(applicant_ids: Iterable[int]) -> int:
    """Bring the entries of these people up to date (one UPDATE per 5,000 people)."""
    from .models import LedgerEntry

    ids = sorted({i for i in applicant_ids if i})
    return sum(
        _refresh(LedgerEntry.objects.filter(applicant_id__in=ids[i : i + 5000])) for i in range(0, len(ids), 5000)
    )


def rebuild() -> int:
    """Every entry (the nightly job; after a bulk load). Returns the number of entries written."""
    from .models import LedgerEntry

    return _refresh(LedgerEntry.objects.all())


def stale() -> int:
    """Entries whose snapshot differs from the person (0 when the invariant holds)."""
    from .models import LedgerEntry

    person = Applicant.objects.filter(pk=OuterRef("applicant_id"))
    return (
        LedgerEntry.objects.annotate(
            now_branch=Subquery(person.values("branch_id")[:1]), now_pending=Exists(person.filter(PENDING))
        )
        .exclude(branch_id=F("now_branch"), pending=F("now_pending"))
        .count()
    )
