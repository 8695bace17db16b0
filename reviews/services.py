"""Writes for the pre-assessment ledger, its tier decisions, the opinions and checks the gates
read (R16–R20), and the batch 备案 of committee/department staff.

Every write checks role (PermissionDenied → 403) and scope (PermissionDenied; views look objects
up with ``get_visible_or_404`` first, so outside scope is a 404), locks the row it changes, and
appends an attributed ``applicants.Event``. Nothing here is ever edited or deleted afterwards.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from applicants import steps as S
from applicants.models import Applicant, ApplicantStatus, Event
from applicants.rulebook import Context, RuleSet, evaluate
from applicants.services import applicant_record_step
from applicants.steps import STEPS
from recruitment.errors import DomainError, Violation, conflict_on_race
from recruitment.models import Organization
from recruitment.scope import DEPARTMENT_ROLES, STAFF_ROLES, WRITE_ROLES, may_act_at
from recruitment.uploads import OPINION_UPLOAD, check_upload

from .handoffs import announce_entry
from .models import (
    TIER_LEVEL,
    CadreRelativeApproval,
    DepartmentOpinion,
    EntryStatus,
    HouseholdOpinion,
    LedgerEntry,
    NegativeListCheck,
    NegativeListHit,
    NegativeListItem,
    OpinionPurpose,
    OpinionVerdict,
    ReviewDecision,
    ReviewDepartment,
    Tier,
    Verdict,
)

BULK_RECORD_STEPS = tuple(s.number for s in STEPS if s.bulk)  # 备案: many people with one date
STAFF_STEPS = tuple(s.number for s in STEPS if s.by_staff)  # one form per candidate (审批 17/24 逐个表决)


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _require(actor, roles, what: str) -> None:
    if actor is not None and not actor.has_role(*roles):
        raise PermissionDenied(f"您的角色无权{what}")


def _check_scope(actor, applicant: Applicant) -> None:
    if actor is not None and not actor.can_see(applicant.branch):
        raise PermissionDenied("该人员不在您的管辖范围内")


def _log(
    applicant: Applicant, message: str, actor, violations: list[Violation] | None = None, kind: str = Event.Kind.REVIEW
) -> None:
    Event.objects.create(
        applicant=applicant, kind=kind, message=message, actor=actor, rules=[v.as_dict() for v in violations or []]
    )


def _check_date(day: dt.date, today: dt.date, label: str, field_name: str = "date") -> None:
    if day > today:
        raise DomainError.single("INPUT", f"{label} {day:%Y-%m-%d} 晚于今天，不能预先登记", field=field_name)


def may_decide(user, tier: int) -> bool:
    return may_act_at(user, TIER_LEVEL[Tier(tier)])


# --- the ledger --------------------------------------------------------------------------------------
def ledger_ineligibility(applicant: Applicant) -> str:
    """Why this person cannot be put on a ledger ('' when they can)."""
    if applicant.status != ApplicantStatus.ACTIVE:
        return f"状态为“{applicant.get_status_display()}”"
    if applicant.current_step < S.CANDIDATE:
        return f"尚未确定为发展对象（第{S.CANDIDATE}步）"
    if applicant.current_step >= S.BRANCH_MEETING:
        return "已经支部大会讨论接收"
    return ""


@transaction.atomic
def ledger_submit(
    *, applicant: Applicant, year: int, actor, remarks: str = "", today: dt.date | None = None
) -> LedgerEntry:
    """Put a 发展对象 on the year's 拟接收预备党员预判分析台账; tier 1 (branch initial review) waits."""
    _require(actor, WRITE_ROLES, "报送预判分析台账")
    today = _today(today)
    a = Applicant.objects.select_for_update().select_related("branch").get(pk=applicant.pk)
    _check_scope(actor, a)
    why = ledger_ineligibility(a)
    if why:
        raise DomainError.single("R16", f"{a.name}{why}，不能列入拟接收预备党员预判分析台账")
    earliest = a.candidate_on.year if a.candidate_on else today.year
    if not earliest <= year <= today.year + 1:
        raise DomainError.single(
            "INPUT", f"台账年度应在确定为发展对象的年度（{earliest}）至下一年度（{today.year + 1}）之间", field="year"
        )
    existing = LedgerEntry.objects.filter(applicant=a, year=year).first()
    if existing:
        raise DomainError.single("INPUT", f"{a.name}已列入{year}年度台账（{existing.tier_label}），不能重复报送")
    try:
        with transaction.atomic():
            entry = LedgerEntry.objects.create(
                applicant=a, year=year, submitted_by=actor, waiting_since=today, remarks=(remarks or "").strip()
            )
    except IntegrityError as exc:  # the same person submitted twice at once
        raise DomainError.single("INPUT", f"{a.name}已列入{year}年度台账，不能重复报送") from exc
    _log(a, f"列入{year}年度拟接收预备党员预判分析台账，待支部初审", actor)
    entry.applicant = a
    announce_entry(entry=entry, actor=actor)
    return entry


def _stale_message(entry: LedgerEntry) -> str:
    last = entry.decisions.select_related("reviewer").order_by("-created_at", "-id").first()
    if last is None:
        return "该条目已被他人修改，请刷新后查看"
    at = timezone.localtime(last.created_at)
    return (
        f"该条目已由{last.reviewer}于{at:%Y-%m-%d %H:%M}审查（{last.get_tier_display()}：{last.get_verdict_display()}），"
        f"请刷新后查看"
    )


def _check_separation(entry: LedgerEntry, tier: Tier, actor, on: dt.date, ruleset: RuleSet | None) -> None:
    """SOD: one person decides at most one tier of an entry (谁预审谁负责 needs three different people).
    A rule row like any other: a department that must allow it (a one-person office) disables the row."""
    if actor is None:
        return
    rule = (ruleset or RuleSet.load()).in_force("SOD", on)
    if rule is None:
        return
    other = entry.decisions.filter(reviewer=actor).exclude(tier=tier).order_by("-decided_on", "-id").first()
    if other is not None:
        raise DomainError(
            [
                Violation(
                    "SOD",
                    f"您已于{other.decided_on:%Y-%m-%d}作出该条目的{other.get_tier_display()}决定，"
                    f"{tier.label}须由另一位工作人员作出",
                    article=rule.article,
                )
            ]
        )


def review_decide(
    *,
    entry: LedgerEntry,
    tier: int,
    verdict: str,
    reason: str,
    actor,
    version: int,
    decided_on: dt.date | None = None,
    today: dt.date | None = None,
    ruleset: RuleSet | None = None,
) -> ReviewDecision:
    """Decide the tier now waiting. ``version`` is the one the form was rendered with: if anyone
    decided in between, nothing is written and the message names who and when. A pass is judged by
    the rule engine at point ``review:<tier>``; a return goes back one tier; a fail closes the entry."""
    tier = Tier(int(tier))
    _require(actor, TIER_LEVEL[tier].roles, f"作出{tier.label}决定")
    if verdict not in Verdict.values:
        raise DomainError.single("INPUT", "请选择审查结论：通过、不通过或退回补充材料", field="verdict")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError.single("INPUT", "请填写审查意见（理由）", field="reason")
    today = _today(today)
    decided_on = decided_on or today
    _check_date(decided_on, today, "审查日期", "decided_on")
    refusal: DomainError | None = None
    with conflict_on_race(), transaction.atomic():
        e = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
        a = Applicant.objects.select_related("branch").get(pk=e.applicant_id)
        _check_scope(actor, a)
        if e.version != int(version) or e.status != EntryStatus.IN_REVIEW or e.tier != tier:
            raise DomainError.single("STALE", _stale_message(e))
        if a.status != ApplicantStatus.ACTIVE:
            raise DomainError.single("STATE", f"{a.name}的状态为“{a.get_status_display()}”，不能继续审查")
        last = e.decisions.order_by("-decided_on").values_list("decided_on", flat=True).first()
        if last and decided_on < last:
            raise DomainError.single(
                "INPUT", f"审查日期 {decided_on:%Y-%m-%d} 早于上一次审查日期 {last:%Y-%m-%d}", field="decided_on"
            )
        _check_separation(e, tier, actor, decided_on, ruleset)
        warnings: list[Violation] = []
        if verdict == Verdict.PASS:
            judged = evaluate(
                Context(
                    applicant=a,
                    point=f"review:{tier.value}",
                    date=decided_on,
                    today=today,
                    actor=actor,
                    facts={"entry": e},
                ),
                ruleset,
            )
            warnings = judged.warnings
            if judged.errors:
                refusal = DomainError(judged.errors)
        if refusal is None:
            # The optimistic guard, also where SELECT … FOR UPDATE locks nothing (SQLite): the version
            # read above must still be the row's, or someone decided in between.
            if not LedgerEntry.objects.filter(pk=e.pk, version=e.version).update(version=F("version") + 1):
                raise DomainError.single("STALE", _stale_message(e))  # the same words as the check above
            decision = ReviewDecision.objects.create(
                entry=e, tier=tier, verdict=verdict, reason=reason, reviewer=actor, decided_on=decided_on
            )
            if verdict == Verdict.PASS:
                if tier == Tier.DEPARTMENT:
                    e.status = EntryStatus.PASSED
                    text = "三级预判分析全部通过"
                else:
                    e.tier = tier + 1
                    text = f"通过，转{Tier(e.tier).label}"
            elif verdict == Verdict.FAIL:
                e.status = EntryStatus.FAILED
                text = "不通过，不予发展"
            else:
                e.tier = max(Tier.BRANCH, tier - 1)
                text = f"退回{Tier(e.tier).label}补充材料" if tier > Tier.BRANCH else "退回支部补充材料"
            e.version += 1  # already bumped in the database by the guard
            e.waiting_since = decided_on
            e.save(update_fields=["status", "tier", "waiting_since"])
            _log(
                a,
                f"{e.year}年度预判分析·{tier.label}（{decided_on:%Y-%m-%d}）：{text}。意见：{reason}",
                actor,
                warnings,
            )
            e.applicant = a
            announce_entry(entry=e, actor=actor, decision=decision)
    if refusal is not None:
        _log(a, f"{tier.label}未能通过：{refusal}", actor, refusal.violations, kind=Event.Kind.REFUSED)
        raise refusal
    return decision


# --- opinions ------------------------------------------------------------------------------------------
@transaction.atomic
def opinion_record(
    *,
    department: ReviewDepartment,
    verdict: str,
    opinion: str,
    given_on: dt.date,
    actor,
    entry: LedgerEntry | None = None,
    applicant: Applicant | None = None,
    purpose: str = OpinionPurpose.COMMITTEE_REVIEW,
    file=None,
    today: dt.date | None = None,
) -> DepartmentOpinion:
    """A 执纪执法 department's opinion: for the committee re-review of a ledger entry (tier 2), or
    for the joint review before training (R20, no entry). A file, if any, must be a PDF, JPEG, PNG or
    OFD by its content, at most 10 MB (``recruitment.uploads.check_upload``)."""
    _require(actor, STAFF_ROLES, "记录部门意见")
    today = _today(today)
    _check_date(given_on, today, "出具日期", "given_on")
    if verdict not in OpinionVerdict.values:
        raise DomainError.single("INPUT", "请选择部门意见：同意/无异议 或 不同意/有问题", field="verdict")
    if not department.is_active:
        raise DomainError.single("INPUT", f"{department.name}已停用", field="department")
    if purpose == OpinionPurpose.COMMITTEE_REVIEW:
        if entry is None:
            raise DomainError.single("INPUT", "复审部门意见须对应台账条目")
        entry = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.status != EntryStatus.IN_REVIEW or entry.tier != Tier.COMMITTEE:
            raise DomainError.single("STATE", f"只能在党委复审阶段记录部门意见，该条目{entry.tier_label}")
        applicant = entry.applicant
    elif purpose == OpinionPurpose.JOINT_REVIEW:
        if applicant is None:
            raise DomainError.single("INPUT", "联审意见须对应发展对象")
        entry = None
    else:
        raise DomainError.single("INPUT", "意见用途无效")
    a = Applicant.objects.select_for_update().select_related("branch").get(pk=applicant.pk)
    _check_scope(actor, a)
    if a.status != ApplicantStatus.ACTIVE:
        raise DomainError.single("STATE", f"{a.name}的状态为“{a.get_status_display()}”")
    if purpose == OpinionPurpose.JOINT_REVIEW and not S.ACTIVIST <= a.current_step < S.BRANCH_COMMITTEE_REVIEW:
        raise DomainError.single("STATE", "联审对象应为入党积极分子或发展对象（集中培训前）")
    if verdict == OpinionVerdict.DISAGREE and not (opinion or "").strip():
        raise DomainError.single("INPUT", "不同意的意见须写明具体问题", field="opinion")
    checked = check_upload(file, OPINION_UPLOAD) if file else None
    o = DepartmentOpinion.objects.create(
        applicant=a,
        entry=entry,
        purpose=purpose,
        department=department,
        verdict=verdict,
        opinion=(opinion or "").strip(),
        given_on=given_on,
        file=file or "",
        original_name=checked.original_name if checked else "",
        recorded_by=actor,
    )
    _log(
        a,
        f"{o.get_purpose_display()}：{department.name}（{given_on:%Y-%m-%d}）{o.get_verdict_display()}"
        + (f"：{o.opinion}" if o.opinion else ""),
        actor,
    )
    return o


@transaction.atomic
def household_opinion_record(
    *,
    applicant: Applicant,
    organization_name: str,
    verdict: str,
    opinion: str,
    given_on: dt.date,
    actor,
    organization: Organization | None = None,
    file=None,
    today: dt.date | None = None,
) -> HouseholdOpinion:
    """R17: opinion of the party organization at the candidate's 户籍所在地."""
    _require(actor, WRITE_ROLES, "记录户籍所在地党组织意见")
    today = _today(today)
    _check_date(given_on, today, "出具日期", "given_on")
    a = Applicant.objects.select_for_update().select_related("branch").get(pk=applicant.pk)
    _check_scope(actor, a)
    name = (organization_name or (organization.name if organization else "")).strip()
    if not name:
        raise DomainError.single("INPUT", "请填写户籍所在地党组织名称", field="organization_name")
    if verdict not in OpinionVerdict.values:
        raise DomainError.single("INPUT", "请选择意见", field="verdict")
    if verdict == OpinionVerdict.DISAGREE and not (opinion or "").strip():
        raise DomainError.single("INPUT", "不同意的意见须写明原因", field="opinion")
    checked = check_upload(file, OPINION_UPLOAD) if file else None
    h = HouseholdOpinion.objects.create(
        applicant=a,
        organization=organization,
        organization_name=name,
        verdict=verdict,
        opinion=(opinion or "").strip(),
        given_on=given_on,
        file=file or "",
        original_name=checked.original_name if checked else "",
        recorded_by=actor,
    )
    _log(
        a,
        f"户籍所在地党组织（{name}，{given_on:%Y-%m-%d}）意见：{h.get_verdict_display()}"
        + (f"：{h.opinion}" if h.opinion else ""),
        actor,
    )
    return h


@transaction.atomic
def cadre_relative_approval_record(
    *,
    applicant: Applicant,
    relation: str,
    approved: bool,
    decided_on: dt.date,
    actor,
    document_no: str = "",
    opinion: str = "",
    today: dt.date | None = None,
) -> CadreRelativeApproval:
    """R18: the county-level reply on a near relative of village cadres (组织部 records it)."""
    _require(actor, DEPARTMENT_ROLES, "记录县级批复")
    today = _today(today)
    _check_date(decided_on, today, "批复日期", "decided_on")
    a = Applicant.objects.select_for_update().select_related("branch").get(pk=applicant.pk)
    _check_scope(actor, a)
    if not a.is_cadre_relative:
        raise DomainError.single("INPUT", f"{a.name}未登记为村组干部近亲属，无需县级批复")
    if not (relation or "").strip():
        raise DomainError.single("INPUT", "请填写与村组干部的亲属关系", field="relation")
    c = CadreRelativeApproval.objects.create(
        applicant=a,
        relation=relation.strip(),
        approved=bool(approved),
        document_no=(document_no or "").strip(),
        decided_on=decided_on,
        opinion=(opinion or "").strip(),
        recorded_by=actor,
    )
    _log(
        a,
        f"村组干部近亲属县级批复（{c.document_no or '无文号'}，{decided_on:%Y-%m-%d}）："
        f"{'同意发展' if c.approved else '不同意发展'}；亲属关系：{c.relation}",
        actor,
    )
    return c


# --- negative list (R19) -------------------------------------------------------------------------------
@transaction.atomic
def negative_list_check(
    *,
    applicant: Applicant,
    hits: list[NegativeListItem],
    checked_on: dt.date,
    actor,
    notes: str = "",
    hit_notes: str = "",
    today: dt.date | None = None,
) -> NegativeListCheck:
    """Record a comparison against the whole active list; every item ticked becomes a hit (R19)."""
    _require(actor, WRITE_ROLES, "记录负面清单比对")
    today = _today(today)
    _check_date(checked_on, today, "比对日期", "checked_on")
    a = Applicant.objects.select_for_update().select_related("branch").get(pk=applicant.pk)
    _check_scope(actor, a)
    active = list(NegativeListItem.objects.filter(is_active=True))
    active_ids = {i.pk for i in active}
    retired = [i for i in hits if i.pk not in active_ids]
    if retired:
        raise DomainError.single("INPUT", f"负面清单条目已停用：{'、'.join(i.article for i in retired)}", field="hits")
    if hits and not (hit_notes or "").strip():
        raise DomainError.single("INPUT", "命中负面清单的，须写明具体情况", field="hit_notes")
    check = NegativeListCheck.objects.create(
        applicant=a,
        checked_on=checked_on,
        items_checked=len(active),
        hit_count=len(hits),
        notes=(notes or "").strip(),
        checked_by=actor,
    )
    NegativeListHit.objects.bulk_create(
        [
            NegativeListHit(
                applicant=a, item=i, list_check=check, found_on=checked_on, notes=hit_notes.strip(), recorded_by=actor
            )
            for i in hits
        ]
    )
    if hits:
        _log(
            a,
            f"对照负面清单比对（{checked_on:%Y-%m-%d}）：命中 {'；'.join(str(i) for i in hits)}。{hit_notes.strip()}",
            actor,
        )
    else:
        _log(a, f"对照负面清单 {len(active)} 条逐条比对（{checked_on:%Y-%m-%d}）：未发现负面清单情形", actor)
    return check


@transaction.atomic
def negative_list_hit_revoke(*, hit: NegativeListHit, reason: str, actor) -> NegativeListHit:
    """A hit recorded in error is revoked by committee/department staff with a reason; the row stays."""
    _require(actor, STAFF_ROLES, "撤销负面清单命中记录")
    h = NegativeListHit.objects.select_for_update().select_related("item", "applicant__branch").get(pk=hit.pk)
    _check_scope(actor, h.applicant)
    if h.revoked_at:
        raise DomainError.single("STATE", f"该记录已于{timezone.localtime(h.revoked_at):%Y-%m-%d %H:%M}撤销")
    if not (reason or "").strip():
        raise DomainError.single("INPUT", "请填写撤销理由", field="reason")
    h.revoked_at, h.revoked_by, h.revoke_reason = timezone.now(), actor, reason.strip()
    h.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    _log(h.applicant, f"撤销负面清单命中记录“{h.item}”：{h.revoke_reason}", actor)
    return h


# --- approvals in batches --------------------------------------------------------------------------------
@dataclass
class BulkResult:
    done: list[Applicant] = field(default_factory=list)
    refused: list[tuple[Applicant, str]] = field(default_factory=list)


def approvals_bulk_record(
    *, applicants: list[Applicant], step: int, date: dt.date, actor, notes: str = "", today: dt.date | None = None
) -> BulkResult:
    """备案 (steps 4, 8, 18) for many people with one date. Each person is recorded by
    ``applicant_record_step`` in its own transaction; refusals are collected per person."""
    if step not in BULK_RECORD_STEPS:
        numbers = "、".join(str(n) for n in BULK_RECORD_STEPS)
        raise DomainError.single("INPUT", f"只有备案（第{numbers}步）可以批量办理；审批须逐个表决")
    result = BulkResult()
    for a in applicants:
        try:
            applicant_record_step(applicant=a, step=step, date=date, actor=actor, notes=notes, today=today)
        except DomainError as exc:
            result.refused.append((a, "；".join(str(v) for v in exc.violations)))
        except PermissionDenied as exc:
            result.refused.append((a, str(exc)))
        else:
            result.done.append(a)
    return result
