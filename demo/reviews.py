"""Demo data for the pre-assessment ledger: the current year's 发展对象 of the demo county put on
the ledger at every tier (some returned, some with opinions), so every queue has work in it.
Called by ``seed_demo`` after ``demo.pipeline``; idempotent (people already on the year's ledger
are left alone) and deterministic (ordered by branch path and name)."""

from __future__ import annotations

import datetime as dt

from applicants import steps as S
from applicants.models import Applicant, ApplicantStatus
from demo.county import BRANCH_STAND_IN, COMMITTEE_STAND_IN
from recruitment.models import Sector
from reviews.models import EntryStatus, LedgerEntry, NegativeListItem, OpinionVerdict, ReviewDepartment, Tier, Verdict
from reviews.services import (
    household_opinion_record,
    ledger_submit,
    negative_list_check,
    opinion_record,
    review_decide,
)

MAX_DEMO_ENTRIES = 40


def pass_pre_assessment(
    *,
    applicant: Applicant,
    year: int,
    on: dt.date,
    branch_user,
    committee_user,
    department_user,
    today: dt.date | None = None,
) -> LedgerEntry:
    """Take one person through all three tiers with real services (demo seeding and tests): the
    negative-list comparison, the 户籍所在地 opinion for 两新 candidates, one department opinion,
    then the three passes, all dated ``on``."""
    today = today or on
    entry = LedgerEntry.objects.filter(applicant=applicant, year=year).first()
    if entry is None:
        entry = ledger_submit(applicant=applicant, year=year, actor=branch_user, today=today)
    _advance(
        entry,
        target=4,
        on=on,
        branch_user=branch_user,
        committee_user=committee_user,
        department_user=department_user,
        today=today,
    )
    entry.refresh_from_db()
    return entry


def _advance(
    entry: LedgerEntry,
    *,
    target: int,
    on: dt.date,
    branch_user,
    committee_user,
    department_user,
    today: dt.date,
    opinions: int = 1,
) -> None:
    """Pass tiers until the entry waits at ``target`` (4 = all passed)."""
    a = entry.applicant
    while True:
        entry.refresh_from_db()
        if entry.status != EntryStatus.IN_REVIEW or entry.tier >= target:
            return
        if entry.tier == Tier.BRANCH:
            review_decide(
                entry=entry,
                tier=1,
                verdict=Verdict.PASS,
                actor=branch_user,
                version=entry.version,
                reason="生活作风正派，工作积极主动，现实表现好，群众认可",
                decided_on=on,
                today=today,
            )
        elif entry.tier == Tier.COMMITTEE:
            _committee_material(
                entry, on=on, branch_user=branch_user, committee_user=committee_user, today=today, opinions=opinions
            )
            review_decide(
                entry=entry,
                tier=2,
                verdict=Verdict.PASS,
                actor=committee_user,
                version=entry.version,
                reason="经征求纪检、公安等部门意见，无不良记录，同意列为拟接收预备党员",
                decided_on=on,
                today=today,
            )
        else:
            review_decide(
                entry=entry,
                tier=3,
                verdict=Verdict.PASS,
                actor=department_user,
                version=entry.version,
                reason="符合年度领域、年龄、学历比例要求，同意",
                decided_on=on,
                today=today,
            )
        a.refresh_from_db()


def _committee_material(
    entry: LedgerEntry, *, on: dt.date, branch_user, committee_user, today: dt.date, opinions: int = 1
) -> None:
    a = entry.applicant
    if not a.negative_list_checks.exists():
        negative_list_check(applicant=a, hits=[], checked_on=on, actor=branch_user, today=today)
    if a.branch.sector in Sector.two_new() and not a.household_opinions.exists():
        household_opinion_record(
            applicant=a,
            organization_name=a.household_registration or "户籍所在地村党支部",
            verdict=OpinionVerdict.AGREE,
            opinion="该同志在户籍地表现良好，同意发展",
            given_on=on,
            actor=branch_user,
            today=today,
        )
    have = set(entry.opinions.values_list("department_id", flat=True))
    for d in ReviewDepartment.objects.filter(is_active=True).exclude(pk__in=have)[: max(0, opinions - len(have))]:
        opinion_record(
            entry=entry,
            department=d,
            verdict=OpinionVerdict.AGREE,
            opinion="经查无违法违纪记录",
            given_on=on,
            actor=committee_user,
            today=today,
        )


def _users_for(county, branch):
    users = county.users
    branch_user = next(
        (u for u in (users.get("zhibu"), users.get("zhibu2")) if u and u.organization_id == branch.pk), None
    )
    committee_user = next((u for u in (users.get("dangwei"), users.get("dangwei2")) if u and u.can_see(branch)), None)
    return (
        branch_user or users[BRANCH_STAND_IN],
        committee_user or users[COMMITTEE_STAND_IN],
        users["zuzhibu"],
    )


def seed(*, county, today: dt.date, log=print) -> None:
    year = today.year
    if not NegativeListItem.objects.exists():  # the data migration normally provides them
        return
    people = list(
        Applicant.objects.filter(
            branch__path__startswith=county.root.path,
            status=ApplicantStatus.ACTIVE,
            current_step__gte=7,
            current_step__lt=15,
        )
        .exclude(ledger_entries__year=year)
        .select_related("branch")
        .order_by("branch__path", "name")
    )
    # Only candidates still before the branch meeting count against the cap: people whose meeting
    # already happened this year were passed by the applicants demo (R16) and are not queue material.
    already = LedgerEntry.objects.filter(
        year=year, applicant__branch__path__startswith=county.root.path, applicant__current_step__lt=15
    ).count()
    people = people[: max(0, MAX_DEMO_ENTRIES - already)]
    if not people:
        log(f"预判分析台账：{year}年度已有 {already} 人（无新增）")
        return
    counts = {"tier1": 0, "tier2": 0, "tier3": 0, "passed": 0, "returned": 0}
    for i, a in enumerate(people):
        branch_user, committee_user, department_user = _users_for(county, a.branch)
        start = max(a.candidate_on or today, today - dt.timedelta(days=40 - i % 20))
        start = min(start, today)
        entry = ledger_submit(
            applicant=a,
            year=year,
            actor=branch_user,
            today=today,
            remarks="本年度拟接收，已完成政治审查" if a.current_step >= S.POLITICAL_REVIEW else "",
        )
        kind = i % 6
        target = {0: 1, 1: 2, 2: 2, 3: 3, 4: 4, 5: 3}[kind]
        _advance(
            entry,
            target=target,
            on=start,
            branch_user=branch_user,
            committee_user=committee_user,
            department_user=department_user,
            today=today,
            opinions=2 if kind == 2 else 1,
        )
        entry.refresh_from_db()
        if kind == 2 and entry.tier == Tier.COMMITTEE:  # two opinions recorded, decision pending
            _committee_material(
                entry, on=start, branch_user=branch_user, committee_user=committee_user, today=today, opinions=2
            )
        if kind == 5 and entry.tier == Tier.DEPARTMENT:  # returned by the department for more material
            review_decide(
                entry=entry,
                tier=3,
                verdict=Verdict.RETURN,
                actor=department_user,
                version=entry.version,
                reason="请补充该同志近两年思想汇报及所在单位意见",
                decided_on=start,
                today=today,
            )
            counts["returned"] += 1
            continue
        entry.refresh_from_db()
        key = "passed" if entry.status == EntryStatus.PASSED else f"tier{entry.tier}"
        counts[key] += 1
    log(
        f"预判分析台账：{year}年度新增 {len(people)} 人（待初审 {counts['tier1']}，待复审 {counts['tier2']}，"
        f"待终审 {counts['tier3']}，已通过 {counts['passed']}，退回 {counts['returned']}）"
    )
