import datetime as dt

import pytest

from applicants.models import Applicant
from reviews.models import LedgerEntry, NegativeListItem, OpinionVerdict, ReviewDepartment
from reviews.services import ledger_submit, negative_list_check, opinion_record
from tests.applicants.test_full_pipeline import make_applicant, run_steps
from tests.clock import TODAY

D = dt.date
ON = D(2023, 6, 20)  # decisions between step 14 (2023-06-15) and the branch meeting (2023-07-01)


@pytest.fixture
def make_candidate(world):
    """make_candidate(until=14, **applicant fields) → an applicant driven through the steps by the services."""
    counter = iter(range(1, 1000))

    def make(until: int = 14, birth=None, **kw) -> Applicant:
        n = next(counter)
        birth = birth or D(1995, 3, 10)
        a = make_applicant(
            world, birth=birth.replace(day=min(28, birth.day + n)), name=kw.pop("name", f"候选人{n}"), **kw
        )
        if until > 1:
            run_steps(world, a, until=until)
        a.refresh_from_db()
        return a

    return make


@pytest.fixture
def submit(world):
    def do(applicant, year=2023) -> LedgerEntry:
        return ledger_submit(applicant=applicant, year=year, actor=world.users.secretary, today=TODAY)

    return do


@pytest.fixture
def committee_material(world):
    """What the committee tier needs before a pass: a negative-list comparison and one opinion."""

    def do(entry, departments=1, verdict=OpinionVerdict.AGREE, checker=None):
        a = entry.applicant
        negative_list_check(applicant=a, hits=[], checked_on=ON, actor=checker or world.users.secretary, today=TODAY)
        for d in ReviewDepartment.objects.all()[:departments]:
            opinion_record(
                entry=entry,
                department=d,
                verdict=verdict,
                opinion="经查无违法违纪记录" if verdict == "agree" else "有未结案件",
                given_on=ON,
                actor=world.users.committee,
                today=TODAY,
            )

    return do


@pytest.fixture
def negative_item(db):
    return NegativeListItem.objects.get(number=5)
