"""Builders for quota tests: people admitted in a year (the snapshot fields set as the step-17
service sets them) and candidates on a year's ledger."""

from __future__ import annotations

import datetime as dt
import itertools
import random

from applicants.models import Applicant, ApplicantStatus
from recruitment.dates import age_on
from recruitment.idcard import make_id_number
from reviews.models import EntryStatus, LedgerEntry

_rng = random.Random(11)
_seq = itertools.count(1)


def person(
    branch,
    *,
    birth=dt.date(1995, 5, 5),
    gender="男",
    education="大学本科",
    frontline=False,
    current_step=7,
    status=ApplicantStatus.ACTIVE,
    **extra,
) -> Applicant:
    n = next(_seq)
    return Applicant.objects.create(
        name=f"测试{n}",
        gender=gender,
        birth_date=birth,
        id_number=make_id_number(birth, gender, _rng, area=f"{110000 + n % 800000:06d}"),
        education=education,
        occupation="工人",
        frontline=frontline,
        branch=branch,
        status=status,
        current_step=current_step,
        applied_on=dt.date(2020, 1, 1),
        **extra,
    )


def admitted(branch, on: dt.date, **kw) -> Applicant:
    """Approved (step 17) on ``on`` in ``branch``: the snapshot the service writes."""
    a = person(branch, current_step=17, **kw)
    a.admitted_on, a.admitted_branch, a.admitted_sector = on, branch, branch.sector
    a.admitted_age = age_on(a.birth_date, on)
    a.save(update_fields=["admitted_on", "admitted_branch", "admitted_sector", "admitted_age"])
    return a


def many_admitted(branch, on: dt.date, n: int, **kw) -> list[Applicant]:
    return [admitted(branch, on, **kw) for _ in range(n)]


def on_ledger(applicant: Applicant, year: int, status=EntryStatus.IN_REVIEW) -> LedgerEntry:
    return LedgerEntry.objects.create(applicant=applicant, year=year, status=status)
