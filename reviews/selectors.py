"""Reads for the ledger, the approval queues and the responsibility chain.
Each returns in a constant number of queries, whatever the number of rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery

from applicants.models import Applicant, ApplicantPerson, ApplicantStatus, PersonRole, StepRecord
from applicants.steps import STEPS, Kind, get_step
from recruitment.dates import add_months
from recruitment.models import Role
from recruitment.scope import STAFF_ROLES, Level, may_act_at

from .filters import LedgerFilter
from .models import TIER_LEVEL, DepartmentOpinion, EntryStatus, LedgerEntry, ReviewDecision, Tier, Verdict


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
# The steps staff record (the step table's committee and department steps), each in its queue.
QUEUE_STEPS = {s.number: s.queue_label for s in STEPS if s.by_staff}


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
class QueueSection:
    """One heading of the queue page: the user's own level's work, or that of the levels below it
    which the user may also act on (the department may act for a committee)."""

    level: Level
    own: bool
    steps: dict[int, list[QueueItem]] = field(default_factory=dict)
    reviews: dict[int, list[ReviewQueueItem]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.steps.values()) + sum(len(v) for v in self.reviews.values())

    @property
    def title(self) -> str:
        return f"本级待办（{self.level.label}）" if self.own else f"{self.level.label}待办（可代为办理）"


@dataclass
class Queue:
    steps: dict[int, list[QueueItem]] = field(default_factory=dict)
    reviews: dict[int, list[ReviewQueueItem]] = field(default_factory=dict)
    level: Level | None = None  # the user's own level: its work comes first

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.steps.values()) + sum(len(v) for v in self.reviews.values())

    @cached_property
    def sections(self) -> list[QueueSection]:
        """The user's own level first (the department's 终审 and 备案 above the committees' work),
        then the other levels from the highest down; empty sections of other levels are left out."""
        by_level: dict[Level, QueueSection] = {}
        for step, items in self.steps.items():
            lv = get_step(step).actor
            by_level.setdefault(lv, QueueSection(lv, lv == self.level)).steps[step] = items
        for tier, items in self.reviews.items():
            lv = TIER_LEVEL[Tier(tier)]
            by_level.setdefault(lv, QueueSection(lv, lv == self.level)).reviews[tier] = items
        rank = {Level.DEPARTMENT: 0, Level.COMMITTEE: 1, Level.BRANCH: 2}
        ordered = sorted(by_level.values(), key=lambda s: (not s.own, rank[s.level]))
        return [s for s in ordered if s.own or s.total]


def queue_level_for(user) -> Level | None:
    """The level whose work is the user's own (the queue shows it first)."""
    if user.is_superuser or user.role == Role.DEPARTMENT_STAFF:
        return Level.DEPARTMENT
    if user.role == Role.COMMITTEE_STAFF:
        return Level.COMMITTEE
    return None


def queue_steps_for(user) -> list[int]:
    """The staff steps this user may record (committee steps for committee staff, all for the department)."""
    if not user.has_role(*STAFF_ROLES):
        return []
    return [n for n in QUEUE_STEPS if may_act_at(user, get_step(n).actor)]


def queue_tiers_for(user) -> list[int]:
    if user.is_superuser or user.role == Role.DEPARTMENT_STAFF:
        return [2, 3]
    if user.role == Role.COMMITTEE_STAFF:
        return [2]
    return []


# R12: the committee approves within 3 (at most 6) months of the branch meeting that decided.
R12_STEPS = tuple(s.number for s in STEPS if s.approves)


def _r12_meeting(a: Applicant, step: int) -> dt.date | None:
    approves = get_step(step).approves
    return getattr(a, get_step(approves).sets) if approves else None


def approval_queue(
    *, user, today: dt.date, steps: list[int] | None = None, tiers: list[int] | None = None, q: str = ""
) -> Queue:
    """What waits for committee / department staff: steps 4, 8, 13, 16 (the committee's talk after the
    branch meeting), 17, 18, 24 and review tiers 2–3,
    each with its age; 17/24 with the R12 deadlines. Two queries."""
    steps = queue_steps_for(user) if steps is None else steps
    tiers = queue_tiers_for(user) if tiers is None else tiers
    queue = Queue(steps={s: [] for s in steps}, reviews={t: [] for t in tiers}, level=queue_level_for(user))
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
            meeting = _r12_meeting(a, step)
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
        kind = s.chain_kind
        details = []
        for f in s.fields:
            value = r.data.get(f.name)
            if f.kind == Kind.MEMBERS:
                names = [p.member.name for p in people if p.role == f.role and p.step_record_id == r.pk]
                names = names or [m.get("name", "") for m in value or []]
                details.append(f"{f.label}：{'、'.join(names)}")
            elif f.kind == Kind.CHOICE and value:
                details.append(f"{f.label}：{value}")
        votes = [r.data.get(f.name) for f in s.fields if f.name in ("expected", "attending", "yes")]
        if any(v is not None for v in votes):
            details.append(
                "党委会表决：应到委员 {} 人，实到 {} 人，同意 {} 票".format(*["—" if v is None else v for v in votes])
            )
        detail = "；".join(details)
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


# --- the branch's own review work (home page and to-do) -------------------------------------------------
SENT_BACK_DAYS = 30  # a refusal stays on the branch's home page this long; a return until it is acted on


@dataclass
class BranchReviewWork:
    pending: list[LedgerEntry]  # waiting for the branch's own 初审, oldest first
    sent_back: list[LedgerEntry]  # returned or refused by a tier above (``last_tier``, ``last_verdict`` …)

    @property
    def total(self) -> int:
        return len(self.pending) + len(self.sent_back)


def branch_review_work(*, user, today: dt.date, limit: int | None = None) -> BranchReviewWork:
    """The ledger entries that are the branch's to act on: those waiting for 支部初审, and those a
    higher tier returned (while still under review) or refused (for ``SENT_BACK_DAYS``). Each entry
    carries its last decision as ``last_tier`` / ``last_verdict`` / ``last_on`` / ``last_reviewer``.
    Two queries whatever the number of entries."""
    latest = ReviewDecision.objects.filter(entry=OuterRef("pk")).order_by("-created_at", "-id")
    qs = (
        LedgerEntry.objects.visible_to(user)
        .select_related("applicant__branch")
        .annotate(
            last_tier=Subquery(latest.values("tier")[:1]),
            last_verdict=Subquery(latest.values("verdict")[:1]),
            last_on=Subquery(latest.values("decided_on")[:1]),
        )
    )
    pending = qs.filter(status=EntryStatus.IN_REVIEW, tier=Tier.BRANCH).order_by("waiting_since", "id")
    sent_back = (
        qs.filter(last_tier__gt=Tier.BRANCH)
        .filter(
            Q(last_verdict=Verdict.RETURN, status=EntryStatus.IN_REVIEW)
            | Q(last_verdict=Verdict.FAIL, last_on__gte=today - dt.timedelta(days=SENT_BACK_DAYS))
        )
        .order_by("-last_on", "-id")
    )
    if limit is not None:
        pending, sent_back = pending[:limit], sent_back[:limit]
    sent_back = list(sent_back)
    for e in sent_back:
        what = "退回补充材料" if e.last_verdict == Verdict.RETURN else "不通过"
        e.sent_back_label = f"{Tier(e.last_tier).label}{what}"
    return BranchReviewWork(pending=list(pending), sent_back=sent_back)
