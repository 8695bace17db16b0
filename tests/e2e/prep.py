"""Preconditions for journeys, prepared through the app's own services (call inside ``db_access``).

Journeys share one seeded database and may run in any order, so every helper here makes new,
uniquely named people with ID numbers nobody else has; nothing relies on what another journey did.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

from django.utils import timezone

from recruitment.idcard import make_id_number

BRANCH_CODE = "HC0101"  # zhibu's branch, under dangwei's committee HC01, under zuzhibu's county HC
ACTORS = {"branch": "zhibu", "committee": "dangwei", "department": "zuzhibu"}
_rng = random.Random()


def today() -> dt.date:
    """The server's today (the app uses ``timezone.localdate()``, Asia/Shanghai)."""
    return timezone.localdate()


def days_ago(n: int) -> dt.date:
    return today() - dt.timedelta(days=n)


def unique_name(prefix: str) -> str:
    """A name no other journey (or run) uses: the prefix and four hex digits."""
    return f"{prefix}{uuid.uuid4().hex[:4]}"


def fresh_id_number(birth: dt.date, gender: str, taken: set[str] | None = None) -> str:
    """A valid 公民身份号码 not yet in the database (nor in ``taken``)."""
    from applicants.models import Applicant

    while True:
        value = make_id_number(birth, gender, _rng, area="110105")
        if value not in (taken or set()) and not Applicant.objects.filter(id_number=value).exists():
            if taken is not None:
                taken.add(value)
            return value


def corrupt_check_digit(value: str) -> str:
    """The same number with a wrong check character (GB 11643)."""
    return value[:17] + next(c for c in "0123456789X" if c != value[17])


def user(username: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def eligible_members(branch_code: str = BRANCH_CODE, count: int = 2) -> list:
    """正式党员 (not under 留党察看) in the branch's upper committee subtree, as the step form offers them."""
    from recruitment.models import Organization, PartyMember

    committee = Organization.objects.get(code=branch_code).upper_committee()
    members = list(
        PartyMember.objects.filter(PartyMember.Q_ELIGIBLE, branch__path__startswith=committee.path).order_by(
            "branch__path", "name"
        )[:count]
    )
    assert len(members) == count, "演示数据中应有足够的正式党员"
    return members


def step_data(step: int) -> dict:
    """Data that satisfies every rule for the steps that need some."""
    if step in (5, 9):
        key = "contacts" if step == 5 else "introducers"
        return {key: [m.pk for m in eligible_members()]}
    return {
        2: {"talker": "李书记"},
        3: {"recommendation": "党员推荐"},
        10: {"conclusion": "政治合格，无不良记录", "verdict": "合格"},
        11: {"days": 3, "hours": 24},
        15: {"expected_voters": 10, "attending_voters": 9, "yes_votes": 9},
        16: {"talker": "王委员"},
        17: {"expected": 7, "attending": 6, "yes": 6},
        24: {"expected": 7, "attending": 6, "yes": 6},
    }.get(step, {})


def consent_and_publicity(applicant, listing: dt.date) -> None:
    """细则（2026）第十三条: the committee's consent and a 公示 before the listing on ``listing`` (R25, R26)."""
    from applicants.services import consent_record, publicity_record

    consent_record(
        applicant=applicant, date=listing - dt.timedelta(days=10), verdict="同意", actor=user(ACTORS["committee"])
    )
    publicity_record(
        applicant=applicant, stage="candidate", start=listing - dt.timedelta(days=9), end=listing - dt.timedelta(days=1),
        places=["东王村党务公开栏"], outcome="无异议", actor=user(ACTORS["branch"]),
    )  # fmt: skip


def create_person(
    *,
    name: str,
    dates: dict[int, dt.date],
    branch_code: str = BRANCH_CODE,
    birth: dt.date = dt.date(1996, 5, 4),
    gender: str = "男",
):
    """A new applicant in ``branch_code`` whose steps 1..max(dates) are recorded by the demo users of
    the acting level (zhibu / dangwei / zuzhibu). ``dates`` must name step 1; a step without a date
    takes the previous step's date."""
    from applicants.services import applicant_create, applicant_record_step
    from applicants.steps import get_step
    from recruitment.models import Organization

    branch = Organization.objects.get(code=branch_code)
    a = applicant_create(
        actor=user(ACTORS["branch"]),
        branch=branch,
        applied_on=dates[1],
        name=name,
        gender=gender,
        birth_date=birth,
        id_number=fresh_id_number(birth, gender),
        education="大学本科",
        occupation="农牧渔民",
        household_registration="陕西省韩城市",
    )
    last = dates[1]
    for n in range(2, max(dates) + 1):
        last = dates.get(n, last)
        a.refresh_from_db()
        if n <= a.current_step:  # completed by an earlier step (2026: the consent completes step 8)
            continue
        if n == 7 and last >= dt.date(2026, 5, 11):
            consent_and_publicity(a, last)
        applicant_record_step(
            applicant=a, step=n, date=last, actor=user(ACTORS[get_step(n).actor.value]), data=step_data(n)
        )
    a.refresh_from_db()
    assert a.current_step == max(dates), a.current_step
    return a


def record_steps(applicant, steps: range, on: dt.date) -> None:
    """Record further steps of an existing applicant, all on one date."""
    from applicants.services import applicant_record_step
    from applicants.steps import get_step

    for n in steps:
        applicant_record_step(
            applicant=applicant, step=n, date=on, actor=user(ACTORS[get_step(n).actor.value]), data=step_data(n)
        )
    applicant.refresh_from_db()
