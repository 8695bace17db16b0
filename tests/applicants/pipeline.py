"""Driving an applicant through the real services for the rule tests.

``advance(world, a, until=N, dates={...}, data={...})`` records steps current+1..N. A step's date
is the one given in ``dates`` or the previous step's date plus a default gap chosen so that every
rule passes (one year between 3 and 7, a year between 15 and 23, approvals within 3 months).
"""

from __future__ import annotations

import datetime as dt

from applicants.services import applicant_create, applicant_record_step
from recruitment.idcard import make_id_number
from tests.clock import TODAY

D = dt.date
BIRTH = D(1995, 3, 10)
APPLIED = D(2022, 1, 10)

# Days after the previous step (defaults that satisfy every rule).
GAP = {
    2: 20,
    3: 60,
    4: 5,
    5: 5,
    6: 360,
    7: 1,
    8: 5,
    9: 5,
    10: 10,
    11: 10,
    12: 5,
    13: 5,
    14: 5,
    15: 10,
    16: 5,
    17: 20,
    18: 5,
    19: 5,
    20: 5,
    21: 300,
    22: 30,
    23: 30,
    24: 20,
    25: 10,
}


def default_data(world, step: int) -> dict:
    m = world.members
    return {
        2: {"talker": "李书记"},
        3: {"recommendation": "党员推荐"},
        5: {"contacts": [m.full1.pk, m.full2.pk]},
        9: {"introducers": [m.full1.pk, m.full3.pk]},
        10: {"conclusion": "政治合格", "verdict": "合格"},
        11: {"days": 3, "hours": 24},
        15: {"expected_voters": 10, "attending_voters": 8, "yes_votes": 8},
        16: {"talker": "王委员"},
        17: {"expected": 7, "attending": 6, "yes": 6},
        19: {"group": "第一党小组"},
        23: {"expected_voters": 10, "attending_voters": 8, "yes_votes": 8},
        24: {"expected": 7, "attending": 6, "yes": 6},
    }.get(step, {})


def actor_for(world, step: int):
    from applicants.steps import Actor, get_step

    return {
        Actor.BRANCH: world.users.secretary,
        Actor.COMMITTEE: world.users.committee,
        Actor.DEPARTMENT: world.users.department,
    }[get_step(step).actor]


_serial = [0]


def new_applicant(world, *, birth=BIRTH, gender="男", applied=APPLIED, **kw):
    _serial[0] += 1
    return applicant_create(
        actor=kw.pop("actor", world.users.secretary),
        branch=kw.pop("branch", world.a1),
        applied_on=applied,
        today=TODAY,
        name=kw.pop("name", f"申请人{_serial[0]}"),
        gender=gender,
        birth_date=birth,
        id_number=make_id_number(birth, gender),
        education="大学本科",
        occupation="农牧渔民",
        **kw,
    )


def pre_assess(world, a, on: dt.date):
    """R16: the three-tier pre-assessment of the meeting's year, passed through the real services."""
    from demo.reviews import pass_pre_assessment
    from reviews.models import EntryStatus, LedgerEntry

    if LedgerEntry.objects.filter(applicant=a, year=on.year, status=EntryStatus.PASSED).exists():
        return
    u = world.users
    pass_pre_assessment(
        applicant=a,
        year=on.year,
        on=min(on, TODAY),
        branch_user=u.secretary,
        committee_user=u.committee,
        department_user=u.department,
        today=TODAY,
    )


def advance(world, a, *, until: int, dates: dict | None = None, data: dict | None = None):
    dates, data = dates or {}, data or {}
    a.refresh_from_db()
    last = a.last_step_on
    for n in range(a.current_step + 1, until + 1):
        date = dates.get(n) or last + dt.timedelta(days=GAP[n])
        if n == 15:
            pre_assess(world, a, date)
        applicant_record_step(
            applicant=a,
            step=n,
            date=date,
            actor=actor_for(world, n),
            data=data.get(n, default_data(world, n)),
            today=TODAY,
        )
        last = date
    a.refresh_from_db()
    return a


def attempt(world, a, step: int, date: dt.date, data: dict | None = None, actor=None):
    """One step attempt with the default data (overridden by ``data``)."""
    payload = default_data(world, step) if data is None else data
    if step == 15 and a.current_step == 14:
        pre_assess(world, a, date)
    return applicant_record_step(
        applicant=a, step=step, date=date, actor=actor or actor_for(world, step), data=payload, today=TODAY
    )
