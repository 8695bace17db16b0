"""Reads for the ledger, the approval queues, the responsibility chain and the quota effect.
Each returns in a constant number of queries, whatever the number of rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from applicants.models import Applicant, ApplicantPerson, ApplicantStatus, PersonRole, StepRecord
from applicants.steps import get_step
from recruitment.dates import add_months
from recruitment.models import Organization, Role

from .filters import LedgerFilter
from .models import DepartmentOpinion, EntryStatus, LedgerEntry, ReviewDecision


# --- the ledger ------------------------------------------------------------------------------------------
def ledger_filter(*, user, data, today: dt.date) -> LedgerFilter:
    """The ledger page's filters bound to its query string (``ledger_year``: the year shown)."""
    return LedgerFilter(data, user=user, today=today)


def ledger_entries(*, filters: LedgerFilter) -> QuerySet:
    """The filtered entries (LedgerFilter: the user's subtree, one year, status, tier, text) with their
    decisions and opinions, in branch order: three queries whatever the number of rows."""
    return (
        filters.qs.select_related("applicant__branch__parent", "submitted_by")
        .prefetch_related(
            Prefetch("decisions", queryset=ReviewDecision.objects.select_related("reviewer")),
            Prefetch("opinions", queryset=DepartmentOpinion.objects.select_related("department")),
        )
        .order_by("applicant__branch__path", "applicant__name")
    )


def ledger_counts(*, user, year: int) -> dict[str, int]:
    rows = (
        LedgerEntry.objects.visible_to(user)
        .filter(year=year)
        .aggregate(
            total=Count("id"),
            tier1=Count("id", filter=Q(status=EntryStatus.IN_REVIEW, tier=1)),
            tier2=Count("id", filter=Q(status=EntryStatus.IN_REVIEW, tier=2)),
            tier3=Count("id", filter=Q(status=EntryStatus.IN_REVIEW, tier=3)),
            passed=Count("id", filter=Q(status=EntryStatus.PASSED)),
            failed=Count("id", filter=Q(status=EntryStatus.FAILED)),
        )
    )
    return rows


def eligible_for_ledger(*, user, year: int) -> QuerySet:
    """发展对象 in scope (steps 7–14 done, not past the branch meeting) not yet on the year's ledger."""
    return (
        Applicant.objects.visible_to(user)
        .filter(status=ApplicantStatus.ACTIVE, current_step__gte=7, current_step__lt=15)
        .exclude(ledger_entries__year=year)
        .select_related("branch")
        .order_by("branch__path", "name")
    )


def decisions_by_tier(entry: LedgerEntry) -> dict[int, ReviewDecision]:
    """The latest decision of each tier (uses the prefetched decisions)."""
    latest: dict[int, ReviewDecision] = {}
    for d in entry.decisions.all():
        latest[d.tier] = d
    return latest


def last_return(entry: LedgerEntry) -> ReviewDecision | None:
    """The return that sent the entry back to the tier now waiting, if that is the last decision."""
    decisions = list(entry.decisions.all())
    if decisions and decisions[-1].verdict == "return" and entry.status == EntryStatus.IN_REVIEW:
        return decisions[-1]
    return None


# --- queues --------------------------------------------------------------------------------------------
# step → previous step, whose date starts the wait
QUEUE_STEPS = {4: "备案", 8: "备案", 13: "预审", 16: "谈话", 17: "审批", 18: "备案", 24: "审批"}


@dataclass
class QueueItem:
    applicant: Applicant
    step: int
    kind: str
    since: dt.date | None
    age_days: int | None
    deadline: dt.date | None = None  # R12 three months after the branch meeting (17/24)
    max_deadline: dt.date | None = None  # R12 absolute limit (6 months)
    state: str = "ok"  # ok / warn (past 3 months) / over (past 6 months)

    @property
    def step_obj(self):
        return get_step(self.step)


@dataclass
class ReviewQueueItem:
    entry: LedgerEntry
    tier: int
    since: dt.date | None
    age_days: int | None
    returned: ReviewDecision | None = None


@dataclass
class Queue:
    steps: dict[int, list[QueueItem]] = field(default_factory=dict)
    reviews: dict[int, list[ReviewQueueItem]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.steps.values()) + sum(len(v) for v in self.reviews.values())


def queue_steps_for(user) -> list[int]:
    if user.is_superuser or user.role == Role.DEPARTMENT_STAFF:
        return [4, 8, 13, 16, 17, 18, 24]
    if user.role == Role.COMMITTEE_STAFF:
        return [4, 8, 13, 16, 17, 24]
    return []


def queue_tiers_for(user) -> list[int]:
    if user.is_superuser or user.role == Role.DEPARTMENT_STAFF:
        return [2, 3]
    if user.role == Role.COMMITTEE_STAFF:
        return [2]
    return []


def approval_queue(
    *, user, today: dt.date, steps: list[int] | None = None, tiers: list[int] | None = None, q: str = ""
) -> Queue:
    """What waits for committee / department staff: steps 4, 8, 13, 16 (the committee's talk after the
    branch meeting), 17, 18, 24 and review tiers 2–3,
    each with its age; 17/24 with the R12 deadlines. Two queries."""
    steps = queue_steps_for(user) if steps is None else steps
    tiers = queue_tiers_for(user) if tiers is None else tiers
    queue = Queue(steps={s: [] for s in steps}, reviews={t: [] for t in tiers})
    if steps:
        people = (
            Applicant.objects.visible_to(user)
            .filter(status=ApplicantStatus.ACTIVE, current_step__in=[s - 1 for s in steps])
            .select_related("branch__parent")
            .order_by("last_step_on", "id")
        )
        if q:
            people = people.filter(Q(name__icontains=q) | Q(branch__name__icontains=q))
        for a in people:
            step = a.current_step + 1
            since = a.last_step_on
            item = QueueItem(
                applicant=a,
                step=step,
                kind=QUEUE_STEPS[step],
                since=since,
                age_days=(today - since).days if since else None,
            )
            meeting = a.branch_meeting_on if step == 17 else a.conversion_meeting_on if step == 24 else None
            if meeting:
                item.deadline, item.max_deadline = add_months(meeting, 3), add_months(meeting, 6)
                item.state = "over" if today > item.max_deadline else "warn" if today > item.deadline else "ok"
            queue.steps[step].append(item)
    if tiers:
        entries = (
            LedgerEntry.objects.visible_to(user)
            .filter(status=EntryStatus.IN_REVIEW, tier__in=tiers)
            .select_related("applicant__branch__parent")
            .prefetch_related(Prefetch("decisions", queryset=ReviewDecision.objects.select_related("reviewer")))
            .order_by("waiting_since", "id")
        )
        if q:
            entries = entries.filter(Q(applicant__name__icontains=q) | Q(applicant__branch__name__icontains=q))
        for e in entries:
            queue.reviews[e.tier].append(
                ReviewQueueItem(
                    entry=e,
                    tier=e.tier,
                    since=e.waiting_since,
                    age_days=(today - e.waiting_since).days if e.waiting_since else None,
                    returned=last_return(e),
                )
            )
    return queue


# --- responsibility chain ------------------------------------------------------------------------------


@dataclass
class ChainRow:
    kind: str  # 介绍 / 经办 / 预审 / 审批 / 培养
    what: str
    date: dt.date | None
    person: str
    org: str = ""
    detail: str = ""


def responsibility_chain(applicant: Applicant, entries: list[LedgerEntry] | None = None) -> list[ChainRow]:
    """Who recommended, introduced, handled, pre-reviewed and approved each step, in order.
    Four queries (two when the ledger ``entries`` with their decisions are passed in, as the
    applicant-page panel does); everything shown is immutable and attributed."""
    rows: list[ChainRow] = []
    records = list(
        StepRecord.objects.filter(applicant=applicant).select_related("actor", "acting_org").order_by("step")
    )
    people = list(
        ApplicantPerson.objects.filter(applicant=applicant).select_related("member__branch").order_by("role", "id")
    )
    for r in records:
        s = get_step(r.step)
        if r.step in (3,):
            kind = "推荐"
        elif r.step in (13,):
            kind = "预审"
        elif r.step in (17, 24):
            kind = "审批"
        elif r.step in (4, 8, 18):
            kind = "备案"
        else:
            kind = "经办"
        detail = ""
        if r.step == 3:
            detail = r.data.get("recommendation", "")
        elif r.step in (5, 9):
            role = PersonRole.CONTACT if r.step == 5 else PersonRole.INTRODUCER
            names = [p.member.name for p in people if p.role == role]
            detail = f"{'培养联系人' if r.step == 5 else '入党介绍人'}：{'、'.join(names)}"
        elif r.step == 10:
            detail = f"政审结论：{r.data.get('verdict', '')}"
        rows.append(
            ChainRow(
                kind=kind,
                what=str(s),
                date=r.date,
                person=str(r.actor) if r.actor else (r.responsible or "系统"),
                org=r.acting_org.name if r.acting_org else "",
                detail=detail,
            )
        )
    for p in people:
        if p.role == PersonRole.INTRODUCER:
            rows.append(
                ChainRow(
                    kind="介绍",
                    what="入党介绍人（谁介绍谁负责）",
                    date=p.assigned_on,
                    person=p.member.name,
                    org=p.member.branch.name,
                )
            )
    if entries is None:
        entries = list(
            LedgerEntry.objects.filter(applicant=applicant).prefetch_related(
                Prefetch("decisions", queryset=ReviewDecision.objects.select_related("reviewer"))
            )
        )
    for e in sorted(entries, key=lambda e: e.year):
        for d in e.decisions.all():
            rows.append(
                ChainRow(
                    kind="预审",
                    what=f"{e.year}年度预判分析·{d.get_tier_display()}",
                    date=d.decided_on,
                    person=str(d.reviewer),
                    detail=f"{d.get_verdict_display()}：{d.reason}",
                )
            )
    rows.sort(key=lambda r: (r.date or dt.date.min, r.kind != "介绍"))
    return rows


def applicant_review_summary(applicant: Applicant) -> dict[str, Any]:
    """Ledger entries with decisions, opinions and checks for the applicant-page panel."""
    entries = list(
        LedgerEntry.objects.filter(applicant=applicant)
        .select_related("submitted_by")
        .prefetch_related(Prefetch("decisions", queryset=ReviewDecision.objects.select_related("reviewer")))
        .order_by("-year")
    )
    return {
        "entries": entries,
        "opinions": list(
            DepartmentOpinion.objects.filter(applicant=applicant).select_related("department", "recorded_by")
        ),
        "household_opinions": list(applicant.household_opinions.select_related("recorded_by")),
        "cadre_approvals": list(applicant.cadre_relative_approvals.select_related("recorded_by")),
        "negative_checks": list(applicant.negative_list_checks.select_related("checked_by")),
        "negative_hits": list(applicant.negative_list_hits.select_related("item", "recorded_by", "revoked_by")),
    }


# --- the quota effect (final review) ------------------------------------------------------------------------
@dataclass
class QuotaEffect:
    year: int
    org: Organization
    before: Any  # quotas Compliance: admitted + every candidate already through the final review
    after: Any  # … plus this candidate
    passed_count: int
    rows: list[dict] = field(default_factory=list)  # one per share: key, before/after count, share, ok


def quota_effect(*, entry: LedgerEntry, org: Organization) -> QuotaEffect:
    """What approving this candidate (with the whole list that passed the final review) does to
    the year's sector / structure shares in ``org`` (the county), via quotas' compliance selector."""
    from quotas.selectors import compliance_for_year

    year = entry.year
    passed = tuple(
        LedgerEntry.objects.filter(
            year=year,
            status=EntryStatus.PASSED,
            applicant__branch__path__startswith=org.path,
            applicant__admitted_on__isnull=True,
        )
        .exclude(pk=entry.pk)
        .values_list("applicant_id", flat=True)
    )
    before = compliance_for_year(org=org, year=year, what_if=passed)
    after = compliance_for_year(org=org, year=year, what_if=passed + (entry.applicant_id,))
    effect = QuotaEffect(year=year, org=org, before=before, after=after, passed_count=len(passed))
    b_by_key = {r.key: r for r in list(before.sectors) + list(before.structure)}
    groups = [("领域", r) for r in after.sectors] + [("结构", r) for r in after.structure]
    for group, r in groups:
        b = b_by_key.get(r.key)
        effect.rows.append(
            {
                "key": r.key,
                "group": group,
                "before_count": b.count if b else 0,
                "before_share": b.share if b else None,
                "before_ok": (b.ok is not False) if b else True,  # None = not judged (no rule / no intake)
                "after_count": r.count,
                "after_share": r.share,
                "after_ok": r.ok is not False,
                "min": r.min,
                "max": r.max,
                "changed": (b.count if b else 0) != r.count,
            }
        )
    return effect


def county_of(user) -> Organization | None:
    """The organization whose whole intake the final review balances: the department's root."""
    org = user.organization
    if org is None:
        return Organization.objects.filter(parent__isnull=True).order_by("path").first() if user.is_superuser else None
    root_id = org.ancestor_ids()[0] if org.ancestor_ids() else org.pk
    return Organization.objects.get(pk=root_id) if root_id != org.pk else org
