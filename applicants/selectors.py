"""Reads for applicants: the pipeline list, the 25-step timeline, the to-do list and the archive.

Every list here costs a constant number of queries whatever the number of rows: the facts the
reminders need (last assessment, training totals, the step-11 exception) are annotated with
subqueries, and thresholds come from the rule book (``RuleSet``, one query) so a revised rule set
moves the reminders too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from recruitment.dates import add_months, add_years
from recruitment.errors import DomainError, Violation
from recruitment.fragments import reference_stamp, release
from recruitment.scope import visible_to

from . import steps as S
from .filters import ApplicantFilter
from .models import Applicant, ApplicantPerson, ApplicantStatus, Assessment, Material, StepRecord, Training
from .rulebook import RuleSet
from .steps import FIELD_NAMES, LAST_STEP, STAGES, STEPS, Kind, Stage, Step, get_step, stage_steps

# --- stages as ranges of the last completed step ---------------------------------------------------
STAGE_STEP_RANGES: dict[int, tuple[int, int]] = {s.number: stage_steps(s.number) for s in STAGES}
STAGE_STEP_RANGES[1] = (0, STAGE_STEP_RANGES[1][1])  # created without an application yet → stage 1


def stage_q(stage: int) -> Q:
    low, high = STAGE_STEP_RANGES[int(stage)]
    return Q(current_step__gte=low, current_step__lte=high)


# --- facts for reminders, annotated in one query ----------------------------------------------------
_DEC = DecimalField(max_digits=8, decimal_places=1)


def with_due_facts(qs: QuerySet) -> QuerySet:
    """Annotate what the reminders read: last assessment date, training totals, step-11 exception."""
    last_assessment = Assessment.objects.filter(applicant=OuterRef("pk")).order_by("-date").values("date")[:1]
    training = Training.objects.filter(applicant=OuterRef("pk")).values("applicant")
    days = training.annotate(total=Sum("days")).values("total")
    hours = training.annotate(total=Sum("hours")).values("total")
    exception = StepRecord.objects.filter(applicant=OuterRef("pk"), step=11).values("data__exception_reason")[:1]
    return qs.annotate(
        last_assessment_on=Subquery(last_assessment),
        training_days_sum=Coalesce(Subquery(days, output_field=_DEC), Value(Decimal(0)), output_field=_DEC),
        training_hours_sum=Coalesce(Subquery(hours, output_field=_DEC), Value(Decimal(0)), output_field=_DEC),
        training_exception=Subquery(exception),
    )


# --- to-do items ---------------------------------------------------------------------------------------
class DueKind:
    TALK = "talk"
    ASSESSMENT = "assessment"
    TRAINING = "training"
    PROBATION = "probation"
    APPROVAL = "approval"
    CANDIDATE_READY = "candidate_ready"

    LABELS = {
        TALK: "入党谈话",
        ASSESSMENT: "半年考察",
        TRAINING: "集中培训不足",
        PROBATION: "预备期将满",
        APPROVAL: "上级党委审批期限",
        CANDIDATE_READY: "可确定为发展对象",
    }
    ORDER = [TALK, APPROVAL, PROBATION, ASSESSMENT, TRAINING, CANDIDATE_READY]
    INFORMATIONAL = {CANDIDATE_READY}
    # How many days before the due date an item appears in the to-do list.
    LEAD_DAYS = {TALK: 7, ASSESSMENT: 14, TRAINING: 0, PROBATION: 30, APPROVAL: 30, CANDIDATE_READY: 0}


@dataclass
class DueItem:
    applicant: Applicant
    kind: str
    rule: str
    step: int
    due: dt.date
    days: int  # days left until ``due``; negative = overdue by that many days
    message: str

    @property
    def kind_label(self) -> str:
        return DueKind.LABELS.get(self.kind, self.kind)

    @property
    def informational(self) -> bool:
        return self.kind in DueKind.INFORMATIONAL

    @property
    def overdue(self) -> bool:
        return self.days < 0 and not self.informational

    @property
    def in_window(self) -> bool:
        """Close enough to its due date to be on the to-do list."""
        return self.days <= DueKind.LEAD_DAYS.get(self.kind, 0)

    @property
    def dated(self) -> bool:
        """False for a shortfall without a calendar deadline (training)."""
        return self.kind != DueKind.TRAINING

    @property
    def step_obj(self) -> Step:
        return get_step(self.step)


def _params(ruleset: RuleSet, code: str, today: dt.date) -> dict | None:
    return ruleset.params(code, today)


def _remaining(days: int) -> str:
    return f"已超期 {-days} 天" if days < 0 else ("今天到期" if days == 0 else f"还有 {days} 天")


def due_items_for(a: Applicant, *, today: dt.date, ruleset: RuleSet) -> list[DueItem]:
    """Every reminder that applies to one (annotated, active) applicant, whatever its distance."""
    if a.status != ApplicantStatus.ACTIVE:
        return []
    items: list[DueItem] = []
    n = a.current_step

    def add(kind: str, rule: str, step: int, due: dt.date, message: str) -> None:
        items.append(
            DueItem(applicant=a, kind=kind, rule=rule, step=step, due=due, days=(due - today).days, message=message)
        )

    p = _params(ruleset, "R2", today)
    if p is not None and n == S.APPLICATION and a.applied_on:
        months = int(p.get("months", 1))
        due = add_months(a.applied_on, months)
        days = (due - today).days
        add(
            DueKind.TALK,
            "R2",
            S.TALK,
            due,
            f"{a.applied_on:%Y-%m-%d}递交入党申请书，应在{months}个月内（{due:%Y-%m-%d}前）派人谈话，{_remaining(days)}",
        )

    p = _params(ruleset, "R5", today)
    if p is not None and (S.within(S.AS_ACTIVIST, n) or S.within(S.AS_PROBATIONER, n)):
        months = int(p.get("months", 6))
        as_activist = S.within(S.AS_ACTIVIST, n)
        baseline = a.activist_on if as_activist else a.branch_meeting_on
        last = getattr(a, "last_assessment_on", None)
        if baseline:
            since = max(baseline, last) if last else baseline
            due = add_months(since, months)
            days = (due - today).days
            who = "入党积极分子" if as_activist else "预备党员"
            basis = (
                f"上次考察 {last:%Y-%m-%d}"
                if last and last >= baseline
                else (f"{baseline:%Y-%m-%d}确定为积极分子" if as_activist else f"{baseline:%Y-%m-%d}支部大会接收")
            )
            add(
                DueKind.ASSESSMENT,
                "R5",
                S.ACTIVIST_EDUCATION if as_activist else S.PROBATION_EDUCATION,
                due,
                f"{who}每半年考察一次（{basis}），下次考察应在 {due:%Y-%m-%d} 前完成，{_remaining(days)}",
            )

    p = _params(ruleset, "R9", today)
    if p is not None and n in (S.POLITICAL_REVIEW, S.TRAINING):
        min_days, min_hours = Decimal(str(p.get("min_days", 3))), Decimal(str(p.get("min_hours", 24)))
        total_days = Decimal(a.training_days_carried or 0) + Decimal(getattr(a, "training_days_sum", 0) or 0)
        total_hours = Decimal(a.training_hours_carried or 0) + Decimal(getattr(a, "training_hours_sum", 0) or 0)
        exception = (getattr(a, "training_exception", None) or "").strip()
        if total_days < min_days and total_hours < min_hours and not exception:
            add(
                DueKind.TRAINING,
                "R9",
                n + 1,
                today,
                f"集中培训累计 {total_days:g} 天 / {total_hours:g} 学时，"
                f"支部委员会审查（第{S.BRANCH_COMMITTEE_REVIEW}步）前须达到"
                f"{min_days:g}天或{min_hours:g}学时，还差 {max(Decimal(0), min_hours - total_hours):g} 学时",
            )

    if S.within(S.IN_PROBATION, n) and a.probation_end:
        due = a.probation_end
        days = (due - today).days
        if days < 0:
            msg = f"预备期已于 {due:%Y-%m-%d} 期满（{-days} 天前），应及时召开支部大会讨论转正"
        else:
            msg = f"预备期将于 {due:%Y-%m-%d} 期满，{_remaining(days)}；请督促提出转正申请、准备转正支部大会"
        add(DueKind.PROBATION, "R14", S.CONVERSION_MEETING, due, msg)

    p = _params(ruleset, "R12", today)
    if p is not None:
        months, max_months = int(p.get("months", 3)), int(p.get("max_months", 6))
        approval = next((s for s in STEPS if s.approves and s.approves <= n < s.number), None)
        meeting = getattr(a, get_step(approval.approves).sets) if approval else None
        if meeting:
            step, what = approval.number, "接收预备党员" if approval.becomes == "预备党员" else "预备党员转正"
            due = add_months(meeting, months)
            days = (due - today).days
            hard_end = add_months(meeting, max_months)
            msg = f"{meeting:%Y-%m-%d}支部大会讨论{what}，上级党委应在{months}个月内（{due:%Y-%m-%d}前）审批，{_remaining(days)}"
            if today > hard_end:
                msg += f"；已超过最长{max_months}个月期限（{hard_end:%Y-%m-%d}）"
            elif days < 0:
                msg += f"；须记录特殊原因，最迟 {hard_end:%Y-%m-%d}"
            add(DueKind.APPROVAL, "R12", step, due, msg)

    p = _params(ruleset, "R6", today)
    if p is not None and n == S.ACTIVIST_EDUCATION and a.activist_on:
        years = int(p.get("years", 1))
        due = add_years(a.activist_on, years)
        if due <= today:
            add(
                DueKind.CANDIDATE_READY,
                "R6",
                7,
                due,
                f"{a.activist_on:%Y-%m-%d}确定为入党积极分子，已满{years}年（{due:%Y-%m-%d}），可按程序确定为发展对象",
            )
    return items


def _in_window(item: DueItem) -> bool:
    return item.in_window


def applicant_list_due(*, user, today: dt.date) -> list[DueItem]:
    """Reminders for everyone the user may see, most urgent first. Two queries (rules, applicants).

    talk (R2) from 7 days before its one-month deadline; half-yearly assessment (R5) from 14 days
    before; training short of R9 at steps 10/11; probation ending (R14) from 30 days before; upper
    committee approval (R12) from 30 days before the 3-month limit; one year as activist reached (R6).
    """
    from .due import listed_q

    ruleset = RuleSet.load()
    # The stored next item (applicants.due) says exactly who is on the list today: an SQL filter on an
    # indexed date, the same for a branch, a committee and the department; the items are then written
    # for those people only.
    qs = with_due_facts(visible_to(user, Applicant).active()).filter(listed_q(today)).select_related("branch")
    items = [i for a in qs for i in due_items_for(a, today=today, ruleset=ruleset) if _in_window(i)]
    items.sort(key=lambda i: (i.informational, i.days, DueKind.ORDER.index(i.kind), i.applicant.name))
    return items


def group_due_items(items: list[DueItem]) -> list[tuple[str, str, list[DueItem]]]:
    """(kind, label, items) in display order, empty kinds left out."""
    groups = []
    for kind in DueKind.ORDER:
        chosen = [i for i in items if i.kind == kind]
        if chosen:
            groups.append((kind, DueKind.LABELS[kind], chosen))
    return groups


def due_counts(*, user, today: dt.date) -> dict[str, int]:
    items = applicant_list_due(user=user, today=today)
    return {"total": len(items), "overdue": sum(1 for i in items if i.overdue)}


# --- the pipeline list -----------------------------------------------------------------------------------
LIST_ORDER = ("branch__path", "current_step", "name", "pk")


Filters = ApplicantFilter | Mapping[str, Any] | None


def applicant_filter(*, user, data: Mapping[str, Any]) -> ApplicantFilter:
    """The pipeline page's filters bound to its query string. Without ``status`` the page shows the
    people still in the pipeline (培养中), a secretary's daily view."""
    data = data.copy()
    if "status" not in data:
        data["status"] = ApplicantStatus.ACTIVE
    return ApplicantFilter(data, user=user)


def _filterset(user, filters: Filters) -> ApplicantFilter:
    return filters if isinstance(filters, ApplicantFilter) else ApplicantFilter(filters or {}, user=user)


def applicant_list(*, user, filters: Filters = None) -> QuerySet:
    """Applicants the user may see, filtered (``ApplicantFilter``: stage 1–5, step = last completed
    step, status, branch or any organization of the subtree, free text on name / ID number), with the
    reminder facts annotated. ``filters``: a bound ApplicantFilter, or the values to bind one to."""
    qs = _filterset(user, filters).qs
    return with_due_facts(qs).select_related("branch").order_by(*LIST_ORDER)


def applicant_stage_counts(*, user, filters: Filters = None) -> dict[int, int]:
    """Counts per stage of the filtered list (ignoring the stage filter itself), in one query."""
    qs = _filterset(user, filters).qs_without("stage")
    totals = qs.aggregate(**{f"s{n}": Count("pk", filter=stage_q(n)) for n in STAGE_STEP_RANGES}, all=Count("pk"))
    return {0: totals["all"], **{n: totals[f"s{n}"] for n in STAGE_STEP_RANGES}}


def attach_next_due(applicants, *, today: dt.date, ruleset: RuleSet | None = None) -> None:
    """Set ``next_due`` (the most urgent DueItem, or None) on each annotated applicant: one query."""
    ruleset = ruleset or RuleSet.load()
    for a in applicants:
        items = due_items_for(a, today=today, ruleset=ruleset)
        # Whatever is in its to-do window first, then what may be done now (R6), then the nearest deadline.
        items.sort(key=lambda i: (0 if _in_window(i) and not i.informational else 1 if i.informational else 2, i.days))
        a.next_due = items[0] if items else None


# --- the 25-step timeline --------------------------------------------------------------------------------
# Violations naming these fields are about the form's input, not about the applicant's state: they do
# not make a step "blocked" before anything was typed.
INPUT_FIELDS = FIELD_NAMES


def probe_data(step: Step) -> dict:
    """Placeholder input that passes the step's own validation, so the rule engine judges the state alone."""
    return {
        f.name: f.default or f.example or "—" for f in step.fields if f.required and f.kind in (Kind.TEXT, Kind.CHOICE)
    }


@dataclass
class TimelineStep:
    step: Step
    state: str  # done / next / due / overdue / blocked / future / waiting (committee, for a branch user)
    record: StepRecord | None = None
    due: dt.date | None = None
    days: int | None = None
    blocked_by: list[Violation] = field(default_factory=list)
    due_items: list[DueItem] = field(default_factory=list)

    @property
    def css(self) -> str:
        return {"done": "done", "next": "next", "due": "next", "overdue": "overdue", "blocked": "blocked"}.get(
            self.state, ""
        )

    @property
    def state_label(self) -> str:
        return {
            "done": "已完成",
            "next": "下一步",
            "due": "待办",
            "overdue": "已超期",
            "blocked": "暂不能办理",
            "future": "未开始",
        }.get(self.state, "")


@dataclass
class StageGroup:
    stage: Stage
    steps: list[TimelineStep]

    @property
    def done(self) -> bool:
        return all(s.state == "done" for s in self.steps)

    @property
    def current(self) -> bool:
        return any(s.state in {"next", "due", "overdue", "blocked"} for s in self.steps)


@dataclass
class Timeline:
    stages: list[StageGroup]
    next: TimelineStep | None
    due_items: list[DueItem]  # this applicant's reminders that are on the to-do list now


def applicant_timeline_cached(*, applicant: Applicant, today: dt.date) -> Timeline:
    """The timeline, cached until the person changes (``Applicant.version``), the day turns or the rule
    rows, the work calendar or an organization change (``reference_stamp`` is part of the key)."""
    from django.core.cache import cache

    key = f"timeline:{release()}:{applicant.pk}:{applicant.version}:{today.isoformat()}:{reference_stamp()}"
    timeline = cache.get(key)
    if timeline is None:
        timeline = applicant_timeline(applicant=applicant, today=today)
        cache.set(key, timeline, 24 * 3600)
    return timeline


def applicant_timeline(*, applicant: Applicant, today: dt.date) -> Timeline:
    """All 25 steps with their state. The next step is judged by the rule engine on today's date
    (``applicant_check_step``) so a hard rule that blocks it today is shown with its message."""
    from .services import applicant_check_step

    ruleset = RuleSet.load()
    annotated = with_due_facts(Applicant.objects.filter(pk=applicant.pk)).select_related("branch").get()
    records = {r.step: r for r in applicant.steps.select_related("actor", "acting_org")}
    due_items = due_items_for(annotated, today=today, ruleset=ruleset)
    next_number = applicant.current_step + 1 if applicant.is_active and applicant.current_step < LAST_STEP else None

    blocked: list[Violation] = []
    if next_number:
        try:
            verdict = applicant_check_step(
                applicant=annotated,
                step=next_number,
                date=today,
                data=probe_data(get_step(next_number)),
                today=today,
                ruleset=ruleset,
            )
            blocked = [v for v in verdict.errors if v.field not in INPUT_FIELDS]
        except DomainError as exc:  # the probe itself refused: show it rather than hide it
            blocked = [v for v in exc.violations if v.field not in INPUT_FIELDS]

    entries: list[TimelineStep] = []
    next_entry = None
    for step in STEPS:
        if step.number in records and step.number <= applicant.current_step:
            entries.append(TimelineStep(step=step, state="done", record=records[step.number]))
            continue
        if step.number != next_number:
            entries.append(TimelineStep(step=step, state="future"))
            continue
        mine = [i for i in due_items if i.step == step.number and not i.informational]
        entry = TimelineStep(step=step, state="next", blocked_by=blocked, due_items=mine)
        if mine:
            entry.due, entry.days = mine[0].due, mine[0].days
        if blocked:
            entry.state = "blocked"
        elif entry.days is not None and entry.days < 0:
            entry.state = "overdue"
        elif entry.due is not None:
            entry.state = "due"
        entries.append(entry)
        next_entry = entry
    stages = [StageGroup(stage=s, steps=[e for e in entries if e.step.stage == s.number]) for s in STAGES]
    shown = [i for i in due_items if i.in_window or i.informational]
    return Timeline(stages=stages, next=next_entry, due_items=sorted(shown, key=lambda i: (i.informational, i.days)))


# --- header facts and history -------------------------------------------------------------------------------
def applicant_people(*, applicant: Applicant) -> list[ApplicantPerson]:
    return list(applicant.people.select_related("member", "member__branch").order_by("role", "assigned_on", "pk"))


def applicant_events(*, applicant: Applicant) -> QuerySet:
    return applicant.events.select_related("actor").order_by("-at", "-id")


# --- the archive (一人一档) -----------------------------------------------------------------------------------
@dataclass
class ArchiveSlot:
    kind: str
    expected: bool
    files: list[Material]  # withdrawn ones included (shown struck through)

    @property
    def current(self) -> list[Material]:
        return [f for f in self.files if not f.is_withdrawn]

    @property
    def present(self) -> bool:
        """A withdrawn (or replaced) file does not count."""
        return bool(self.current)


@dataclass
class ArchiveStep:
    step: Step
    record: StepRecord | None
    slots: list[ArchiveSlot]

    @property
    def missing(self) -> list[str]:
        return [s.kind for s in self.slots if s.expected and not s.present]

    @property
    def applicable(self) -> bool:
        """Materials are expected once the step is done."""
        return self.record is not None


@dataclass
class Archive:
    steps: list[ArchiveStep]

    @property
    def expected_count(self) -> int:
        return sum(1 for s in self.steps if s.applicable for slot in s.slots if slot.expected)

    @property
    def present_count(self) -> int:
        return sum(1 for s in self.steps if s.applicable for slot in s.slots if slot.expected and slot.present)

    @property
    def missing(self) -> list[tuple[Step, str]]:
        return [(s.step, kind) for s in self.steps if s.applicable for kind in s.missing]

    @property
    def file_count(self) -> int:
        return sum(len(slot.current) for s in self.steps for slot in s.slots)

    @property
    def withdrawn_count(self) -> int:
        return sum(len(slot.files) - len(slot.current) for s in self.steps for slot in s.slots)


def applicant_archive(*, applicant: Applicant) -> Archive:
    """Per step: the expected materials (``Step.materials``) with the files uploaded for each, plus
    any other files uploaded for that step; withdrawn files are listed but do not count. Two queries."""
    records = {r.step: r for r in applicant.steps.select_related("actor")}
    by_step: dict[int, list[Material]] = {}
    for m in (
        Material.objects.filter(applicant=applicant)
        .select_related("uploaded_by", "withdrawn_by", "replaced_by")
        .order_by("step", "kind", "uploaded_at", "id")
    ):
        by_step.setdefault(m.step, []).append(m)
    steps = []
    for step in STEPS:
        files = by_step.get(step.number, [])
        slots = [ArchiveSlot(kind=k, expected=True, files=[f for f in files if f.kind == k]) for k in step.materials]
        extra_kinds = sorted({f.kind for f in files} - set(step.materials))
        slots += [ArchiveSlot(kind=k, expected=False, files=[f for f in files if f.kind == k]) for k in extra_kinds]
        steps.append(ArchiveStep(step=step, record=records.get(step.number), slots=slots))
    return Archive(steps=steps)


@dataclass
class ArchiveRequirement:
    kind: str
    present: bool
    exemption: Any = None  # ArchiveExemption


def archive_requirements(*, applicant: Applicant, today: dt.date) -> tuple[list[ArchiveRequirement], Any]:
    """R23: the materials the archive must hold before filing (the rule in force today), each present,
    exempted (with its reason) or missing; and the rule row (version, article). Three queries."""
    from .models import ArchiveExemption

    rule = RuleSet.load().in_force("R23", today, applicant.branch.path)
    if rule is None:
        return [], None
    present = set(
        Material.objects.filter(applicant=applicant, withdrawn_at__isnull=True).values_list("kind", flat=True)
    )
    exempt = {e.kind: e for e in ArchiveExemption.objects.filter(applicant=applicant).select_related("actor")}
    rows = [ArchiveRequirement(k, k in present, exempt.get(k)) for k in (rule.params or {}).get("required", [])]
    return rows, rule
