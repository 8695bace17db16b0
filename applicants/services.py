"""Writes for applicants. Every change goes through here — the browser, the ledger import, the
demo seed and the tests all call the same functions. Each write locks the applicant row, checks
the rule book, saves with ``update_fields`` and appends an attributed ``Event``."""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from recruitment.dates import age_on
from recruitment.errors import DomainError, Violation, conflict_on_race
from recruitment.idcard import IdNumberError, parse_id_number, validate_consistency
from recruitment.models import Organization, PartyMember
from recruitment.scope import Level, may_act_at
from recruitment.uploads import MATERIAL_UPLOAD, check_upload

from . import steps as S
from .effects import apply_step, save_change
from .gates import identity_change_violations
from .handoffs import announce, step_handoff
from .models import (
    AccessKind,
    AccessLog,
    Applicant,
    ApplicantStatus,
    ArchiveExemption,
    Assessment,
    CommitteeConsent,
    Event,
    Material,
    Publicity,
    StepRecord,
    Training,
)
from .rulebook import Context, RuleSet, Verdict, evaluate
from .steps import Field, Kind, Step, get_step

APPLICANT_FIELDS = [
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "id_number",
    "education",
    "occupation",
    "frontline",
    "household_registration",
    "household_org",
    "phone",
    "branch",
    "is_league_member",
    "is_cadre_relative",
    "is_mobile",
]


# --- who may act ----------------------------------------------------------------------------------
def actor_may_record(user, step: Step) -> bool:
    """Branch steps: branch secretaries and staff above; committee/department steps: staff only."""
    return may_act_at(user, step.actor)


def _check_scope(user, applicant: Applicant) -> None:
    if user is not None and not user.can_see(applicant.branch):
        raise PermissionDenied("该人员不在您的管辖范围内")


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _log(
    applicant: Applicant,
    kind: str,
    message: str,
    actor=None,
    step: int | None = None,
    violations: list[Violation] | None = None,
) -> Event:
    return Event.objects.create(
        applicant=applicant,
        kind=kind,
        message=message,
        actor=actor,
        step=step,
        rules=[v.as_dict() for v in violations or []],
    )


# --- applicant identity -----------------------------------------------------------------------------
def validate_identity(*, id_number: str, birth_date: dt.date | None, gender: str | None) -> tuple[str, dt.date, str]:
    """Decode the ID number; raise DomainError (rule INPUT) naming the column on any inconsistency."""
    try:
        parsed = parse_id_number(id_number)
    except IdNumberError as exc:
        raise DomainError.single("INPUT", str(exc), field="公民身份号码") from exc
    problems = validate_consistency(parsed, birth_date=birth_date, gender=gender)
    if problems:
        raise DomainError([Violation("INPUT", p, field="公民身份号码") for p in problems])
    return parsed.value, parsed.birth_date, parsed.gender


@transaction.atomic
def applicant_create(
    *, actor, branch: Organization, applied_on: dt.date | None = None, today: dt.date | None = None, **fields: Any
) -> Applicant:
    """Create an applicant (入党申请人). With ``applied_on`` the application (step 1) is recorded too,
    so R1 (age) is judged at once."""
    if not branch.is_branch:
        raise DomainError.single("INPUT", f"{branch.name}不是党支部，入党申请人须编入党支部", field="branch")
    if actor is not None and not actor.can_see(branch):
        raise PermissionDenied("该党支部不在您的管辖范围内")
    id_number, birth, gender = validate_identity(
        id_number=fields.get("id_number", ""), birth_date=fields.get("birth_date"), gender=fields.get("gender")
    )
    fields.update(id_number=id_number, birth_date=birth, gender=gender)
    unknown = set(fields) - set(APPLICANT_FIELDS)
    if unknown:
        raise TypeError(f"unknown applicant fields: {sorted(unknown)}")
    if Applicant.objects.filter(id_number=id_number).exists():
        raise DomainError.single("INPUT", f"公民身份号码 {id_number} 已建档，不能重复建档", field="公民身份号码")
    try:
        with transaction.atomic():
            applicant = Applicant.objects.create(
                branch=branch, created_by=actor, **{k: v for k, v in fields.items() if k != "branch"}
            )
    except IntegrityError as exc:  # a concurrent create of the same person
        raise DomainError.single("INPUT", f"公民身份号码 {id_number} 已建档", field="公民身份号码") from exc
    _log(applicant, Event.Kind.CREATED, f"建档：{applicant.name}，{branch.name}", actor)
    if applied_on:
        applicant_record_step(applicant=applicant, step=1, date=applied_on, actor=actor, today=today)
        applicant.refresh_from_db()
    return applicant


@transaction.atomic
def applicant_update(*, applicant: Applicant, actor, **fields: Any) -> Applicant:
    """Edit 台账 attributes (not the pipeline state). Identity stays consistent with the ID number."""
    applicant = Applicant.objects.select_for_update().get(pk=applicant.pk)
    _check_scope(actor, applicant)
    if "id_number" in fields or "birth_date" in fields or "gender" in fields:
        idn, birth, gender = validate_identity(
            id_number=fields.get("id_number", applicant.id_number),
            birth_date=fields.get("birth_date", applicant.birth_date),
            gender=fields.get("gender", applicant.gender),
        )
        fields.update(id_number=idn, birth_date=birth, gender=gender)
        if Applicant.objects.filter(id_number=idn).exclude(pk=applicant.pk).exists():
            raise DomainError.single("INPUT", f"公民身份号码 {idn} 已被他人使用", field="公民身份号码")
        if birth != applicant.birth_date:  # R24: the recorded steps are judged again with the new birth date
            problems = identity_change_violations(applicant, birth_date=birth, ruleset=RuleSet.load())
            if problems:
                raise DomainError(problems)
            if applicant.admitted_on:  # the age snapshot at approval the quotas count
                fields["admitted_age"] = age_on(birth, applicant.admitted_on)
    if "branch" in fields and fields["branch"] != applicant.branch:
        raise DomainError.single("INPUT", "变更所在党支部请使用“转接”", field="branch")
    changed = [k for k, v in fields.items() if k in (*APPLICANT_FIELDS, "admitted_age") and getattr(applicant, k) != v]
    for k in changed:
        setattr(applicant, k, fields[k])
    if changed:
        applicant._history_user = actor
        applicant.save(update_fields=changed + ["updated_at"])
        labels = [str(Applicant._meta.get_field(k).verbose_name) for k in changed]
        _log(applicant, Event.Kind.EDIT, f"修改信息：{'、'.join(labels)}", actor)
    return applicant


# --- step data ----------------------------------------------------------------------------------------
def _as_int(data: dict, key: str, label: str, errors: list[Violation]) -> int | None:
    raw = data.get(key)
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except (TypeError, ValueError):
        errors.append(Violation("INPUT", f"{label}应为整数：{raw}", field=key))
        return None
    if value < 0:
        errors.append(Violation("INPUT", f"{label}不能为负数", field=key))
    return value


def _as_decimal(data: dict, key: str, label: str, errors: list[Violation]) -> Decimal:
    raw = data.get(key)
    if raw in (None, ""):
        return Decimal(0)
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        errors.append(Violation("INPUT", f"{label}应为数字：{raw}", field=key))
        return Decimal(0)
    if value < 0:
        errors.append(Violation("INPUT", f"{label}不能为负数", field=key))
    return value


def _members(applicant: Applicant, raw: Any, key: str, errors: list[Violation]) -> list[PartyMember]:
    """Members chosen from the registry (ids or PartyMember objects) — must be in the committee's subtree."""
    items = list(raw or [])
    ids = [m.pk if isinstance(m, PartyMember) else m for m in items]
    try:
        ids = [int(i) for i in ids]
    except (TypeError, ValueError):
        errors.append(Violation("INPUT", "党员选择无效", field=key))
        return []
    if not ids:
        return []
    found = {m.pk: m for m in PartyMember.objects.filter(pk__in=ids)}
    committee = applicant.branch.upper_committee() or applicant.branch
    members = []
    for i in ids:
        m = found.get(i)
        if m is None:
            errors.append(Violation("INPUT", f"党员名册中没有编号为 {i} 的党员", field=key))
        elif not m.branch.path.startswith(committee.path):
            errors.append(Violation("INPUT", f"{m.name}不在本党委所属党员名册中", field=key))
        else:
            members.append(m)
    return members


def _clean_field(applicant: Applicant, f: Field, raw: Any, errors: list[Violation]) -> tuple[Any, Any]:
    """(value stored as JSON, value the rules read) of one declared field."""
    if f.kind in (Kind.TEXT, Kind.LONGTEXT):
        value = str(raw if raw is not None else "").strip() or (f.default or "")
        if len(value) > (f.max_length if f.kind == Kind.TEXT else 5000):
            errors.append(Violation("INPUT", f"{f.label}不能超过 {f.max_length} 个字符", field=f.name))
        return value, value
    if f.kind == Kind.CHOICE:
        value = str(raw or "").strip() or (f.default or "")
        if value and value not in f.choices:
            errors.append(Violation("INPUT", f"{f.label}应为：{' / '.join(f.choices)}", field=f.name))
        return value, value
    if f.kind == Kind.INT:
        value = _as_int({f.name: raw}, f.name, f.label, errors)
        if value is not None and f.max_value is not None and value > f.max_value:
            errors.append(Violation("INPUT", f"{f.label}不能大于 {f.max_value}", field=f.name))
        return value, value
    if f.kind == Kind.DECIMAL:
        value = _as_decimal({f.name: raw}, f.name, f.label, errors)
        if f.max_value is not None and value > f.max_value:
            errors.append(Violation("INPUT", f"{f.label}不能大于 {f.max_value}", field=f.name))
        return str(value), value
    if f.kind == Kind.DATE:
        if isinstance(raw, str) and raw:
            try:
                raw = dt.date.fromisoformat(raw)
            except ValueError:
                errors.append(Violation("INPUT", f"{f.label}应为日期（YYYY-MM-DD）：{raw}", field=f.name))
                raw = None
        value = raw if isinstance(raw, dt.date) else None
        return (value.isoformat() if value else ""), value
    if f.kind == Kind.MEMBERS:
        members = _members(applicant, raw, f.name, errors)
        return [{"id": m.pk, "name": m.name} for m in members], members
    return bool(raw), bool(raw)  # Kind.BOOL


def clean_step_data(applicant: Applicant, step: Step, data: dict) -> tuple[dict, dict]:
    """Validate and normalize the fields the step declares. Returns (data for the rules, JSON to store).
    A missing value that a rule judges (``checked_by``) is left to that rule's own refusal."""
    data = dict(data or {})
    errors: list[Violation] = []
    rules_data: dict[str, Any] = {}
    stored: dict[str, Any] = {}
    for f in step.fields:
        stored[f.name], rules_data[f.name] = _clean_field(applicant, f, data.get(f.name), errors)
    if step.start_field:
        stored["start"], rules_data["start"] = _clean_field(
            applicant, Field("start", "开始日期", Kind.DATE), data.get("start"), errors
        )
    for f in step.fields:
        value = stored[f.name]
        if f.required and value in ("", None, []):
            what = f"请选择{f.label}：{'或'.join(f.choices)}" if f.choices else f"请填写{f.label}"
            errors.append(Violation("INPUT", f"请选择{f.label}" if f.kind == Kind.MEMBERS else what, field=f.name))
        if f.required_if and stored.get(f.required_if[0]) in f.required_if[1] and value in ("", None):
            errors.append(Violation("INPUT", f"{stored[f.required_if[0]]}须填写{f.label}", field=f.name))
        limit = stored.get(f.at_most) if f.at_most else None
        if value is not None and limit is not None and value > limit:
            errors.append(
                Violation(
                    "INPUT", f"{f.label}（{value}）不能多于{step.get_field(f.at_most).label}（{limit}）", field=f.name
                )
            )
    if errors:
        raise DomainError(errors)
    return {**stored, **rules_data}, stored


# --- the one service that records a step -------------------------------------------------------------
def applicant_check_step(
    *,
    applicant: Applicant,
    step: int,
    date: dt.date,
    data: dict | None = None,
    actor=None,
    today: dt.date | None = None,
    ruleset: RuleSet | None = None,
) -> Verdict:
    """Judge a step attempt without writing anything (for previews and the timeline's 'blocked' state)."""
    step_obj = get_step(step)
    rules_data, _ = clean_step_data(applicant, step_obj, data or {})
    return evaluate(
        Context(applicant=applicant, point=step, date=date, data=rules_data, today=_today(today), actor=actor), ruleset
    )


def applicant_record_step(
    *,
    applicant: Applicant,
    step: int,
    date: dt.date,
    actor,
    data: dict | None = None,
    notes: str = "",
    today: dt.date | None = None,
    ruleset: RuleSet | None = None,
    log_refusal: bool = True,
) -> StepRecord | None:
    """Record one step. Raises DomainError (nothing written, the refusal logged as an event) when a
    hard rule fails; warnings are stored on the record and shown. Returns None only for a step-23
    extension, which keeps the applicant waiting for the next conversion meeting."""
    step_obj = get_step(step)
    if not actor_may_record(actor, step_obj):
        raise PermissionDenied(f"第{step}步“{step_obj.name}”由{step_obj.actor.label}办理，您的角色无权登记")
    refusal: DomainError | None = None
    with conflict_on_race(), transaction.atomic():
        locked = Applicant.objects.select_for_update().select_related("branch").get(pk=applicant.pk)
        _check_scope(actor, locked)
        if locked.status != ApplicantStatus.ACTIVE:
            raise DomainError.single("STATE", f"{locked.name}的状态为“{locked.get_status_display()}”，不能继续办理")
        rules_data, stored = clean_step_data(locked, step_obj, data or {})
        ruleset = ruleset or RuleSet.load()
        if "carry_consent" in step_obj.effects and ruleset.in_force("R26", date, locked.branch.path):
            rules_data["consent"] = locked.consents.filter(date__lte=date).order_by("-date", "-id").first()
        verdict = evaluate(
            Context(applicant=locked, point=step, date=date, data=rules_data, today=_today(today), actor=actor), ruleset
        )
        if verdict.errors:
            refusal = DomainError(verdict.errors)
        else:
            record = _apply_step(locked, step_obj, date, actor, rules_data, stored, notes, verdict)
    if refusal is not None:
        if log_refusal:
            _log(applicant, Event.Kind.REFUSED, f"{step_obj}未能登记：{refusal}", actor, step, refusal.violations)
        raise refusal
    applicant.refresh_from_db()
    return record


def _apply_step(
    a: Applicant, step: Step, date: dt.date, actor, rules_data: dict, stored: dict, notes: str, verdict: Verdict
) -> StepRecord | None:
    change = apply_step(a, step, date, rules_data, actor=actor)
    record = None
    if change.record:
        record = StepRecord.objects.create(
            applicant=a,
            step=step.number,
            date=date,
            actor=actor,
            acting_org=getattr(actor, "organization", None),
            responsible=stored.get(step.responsible) or (str(actor) if actor else ""),
            outcome=stored.get(step.verdict or "verdict") or "完成",
            notes=notes,
            data=stored,
            warnings=[v.as_dict() for v in verdict.warnings],
        )
    save_change(a, change, record=record, actor=actor)
    a._history_user = actor
    a.save(update_fields=[*change.fields, "updated_at"])
    if change.probation_change is not None:
        pc = change.probation_change
        message = f"支部大会决定延长预备期 {pc.months} 个月，至 {pc.new_end:%Y-%m-%d}：{pc.reason}"
        _log(a, Event.Kind.PROBATION, message, actor, step.number, verdict.warnings)
        return None
    message = f"完成{step}（{date:%Y-%m-%d}）"
    if change.ended:
        message += f"：{record.outcome}，{change.ended}"
    if verdict.warnings:
        message += "；提示：" + "；".join(str(w) for w in verdict.warnings)
    _log(a, Event.Kind.TERMINAL if change.ended else Event.Kind.STEP, message, actor, step.number, verdict.warnings)
    h = step_handoff(applicant=a, step=step, record=record, actor=actor, ended=change.ended or "")
    if h is not None:
        announce(h)
    return record


# --- other acts -------------------------------------------------------------------------------------
@transaction.atomic
def applicant_add_assessment(
    *, applicant: Applicant, date: dt.date, result: str, notes: str = "", actor, today: dt.date | None = None
) -> Assessment:
    a = Applicant.objects.select_for_update().get(pk=applicant.pk)
    _check_scope(actor, a)
    if not a.is_active or a.current_step < S.ACTIVIST:
        raise DomainError.single("R5", "只有入党积极分子、发展对象和预备党员需要定期考察")
    if date > _today(today) or (a.activist_on and date < a.activist_on):
        raise DomainError.single("INPUT", "考察日期应在确定为积极分子之后、今天之前", field="date")
    if result not in Assessment.Result.values:
        raise DomainError.single("INPUT", "请选择考察结果", field="result")
    item = Assessment.objects.create(applicant=a, date=date, result=result, notes=notes, actor=actor)
    _log(a, Event.Kind.ASSESSMENT, f"半年考察（{date:%Y-%m-%d}）：{result}", actor)
    return item


@transaction.atomic
def applicant_add_training(
    *, applicant: Applicant, start: dt.date, end: dt.date, days, hours, name: str = "", actor
) -> Training:
    a = Applicant.objects.select_for_update().get(pk=applicant.pk)
    _check_scope(actor, a)
    errors: list[Violation] = []
    d = _as_decimal({"days": days}, "days", "培训天数", errors)
    h = _as_decimal({"hours": hours}, "hours", "培训学时", errors)
    if end < start:
        errors.append(Violation("INPUT", "结束日期不能早于开始日期", field="end"))
    if errors:
        raise DomainError(errors)
    item = Training.objects.create(applicant=a, name=name, start=start, end=end, days=d, hours=h, actor=actor)
    _log(a, Event.Kind.TRAINING, f"参加培训“{name or '集中培训'}”{d:g} 天 / {h:g} 学时", actor)
    return item


@transaction.atomic
def applicant_terminate(*, applicant: Applicant, outcome: str, reason: str, date: dt.date, actor) -> Applicant:
    """不予发展 (any time before approval) or 取消预备党员资格 (during probation), with a reason."""
    a = Applicant.objects.select_for_update().get(pk=applicant.pk)
    _check_scope(actor, a)
    if not a.is_active:
        raise DomainError.single("STATE", f"状态为“{a.get_status_display()}”，不能再终止")
    if not (reason or "").strip():
        raise DomainError.single("INPUT", "须填写原因", field="reason")
    if outcome == ApplicantStatus.NOT_DEVELOPED:
        if a.current_step >= S.APPROVAL:
            raise DomainError.single("STATE", "已批准为预备党员，应通过转正讨论“取消预备党员资格”")
    elif outcome == ApplicantStatus.CANCELLED:
        if not S.APPROVAL <= a.current_step < S.CONVERSION:
            raise DomainError.single("STATE", "只有预备党员才能取消预备党员资格")
        if a.member_id:
            PartyMember.objects.filter(pk=a.member_id).update(is_active=False)
    else:
        raise DomainError.single("INPUT", "终止结果应为不予发展或取消预备党员资格", field="outcome")
    a.status, a.terminal_reason, a.terminal_on = outcome, reason.strip(), date
    a._history_user = actor
    a.save(update_fields=["status", "terminal_reason", "terminal_on", "updated_at"])
    _log(a, Event.Kind.TERMINAL, f"{a.get_status_display()}（{date:%Y-%m-%d}）：{reason}", actor)
    return a


@transaction.atomic
def applicant_transfer(
    *,
    applicant: Applicant,
    date: dt.date,
    actor,
    to_branch: Organization | None = None,
    to_outside: str = "",
    reason: str = "",
) -> Applicant:
    """转出/转入. Within the system the person keeps every step record, activist time and training
    hours (细则 12); to an outside organization the record is closed as 已转出."""
    a = Applicant.objects.select_for_update().select_related("branch").get(pk=applicant.pk)
    _check_scope(actor, a)
    if not a.is_active:
        raise DomainError.single("STATE", f"状态为“{a.get_status_display()}”，不能转接")
    if to_branch is None and not to_outside.strip():
        raise DomainError.single("INPUT", "请选择转入的党支部或填写系统外的接收组织", field="to_branch")
    if to_branch is not None:
        if not to_branch.is_branch:
            raise DomainError.single("INPUT", "只能转入党支部", field="to_branch")
        if to_branch == a.branch:
            raise DomainError.single("INPUT", "转入党支部与当前党支部相同", field="to_branch")
    from .models import Transfer

    Transfer.objects.create(
        applicant=a,
        from_branch=a.branch,
        to_branch=to_branch,
        to_outside=to_outside.strip(),
        date=date,
        reason=reason,
        actor=actor,
    )
    old = a.branch
    if to_branch is not None:
        a.branch = to_branch
        a._history_user = actor
        a.save(update_fields=["branch", "updated_at"])
        if a.member_id:
            PartyMember.objects.filter(pk=a.member_id).update(branch=to_branch)
        _log(
            a,
            Event.Kind.TRANSFER,
            f"由{old.name}转入{to_branch.name}（{date:%Y-%m-%d}），已有培养考察时间和培训学时接续计算",
            actor,
        )
    else:
        a.status, a.terminal_on, a.terminal_reason = (
            ApplicantStatus.TRANSFERRED_OUT,
            date,
            f"转往{to_outside}：{reason}",
        )
        a._history_user = actor
        a.save(update_fields=["status", "terminal_on", "terminal_reason", "updated_at"])
        _log(a, Event.Kind.TRANSFER, f"转出至{to_outside}（{date:%Y-%m-%d}）", actor)
    return a


def _material_kind(kind: str) -> str:
    """The material's name as typed, without control characters (it names files in the archive zip)."""
    text = "".join(ch for ch in str(kind or "") if unicodedata.category(ch) not in {"Cc", "Cf"})
    return text.strip()[:100] or "其他材料"


@transaction.atomic
def material_upload(*, applicant: Applicant, step: int, kind: str, file, actor) -> Material:
    """Put a scanned material in the archive. The file must be what its name says (PDF, JPEG, PNG or
    OFD, judged by its content: ``recruitment.uploads.check_upload``) and at most 20 MB; it is stored
    under a random name and downloaded under the uploader's name."""
    a = Applicant.objects.select_for_update().get(pk=applicant.pk)
    _check_scope(actor, a)
    if actor is not None and not may_act_at(actor, Level.BRANCH):
        raise PermissionDenied("您的角色无权上传档案材料")
    get_step(step)
    checked = check_upload(file, MATERIAL_UPLOAD)
    m = Material.objects.create(
        applicant=a,
        step=step,
        kind=_material_kind(kind),
        file=file,
        original_name=checked.original_name,
        size=checked.size,
        uploaded_by=actor,
    )
    _log(a, Event.Kind.MATERIAL, f"上传第{step}步材料“{m.kind}”：{m.original_name}", actor, step)
    return m


def _lock_material(material: Material, actor, reason: str) -> tuple[Material, Applicant, str]:
    a = Applicant.objects.select_for_update().get(pk=material.applicant_id)
    _check_scope(actor, a)
    if actor is not None and not may_act_at(actor, Level.BRANCH):
        raise PermissionDenied("您的角色无权撤回档案材料")
    m = Material.objects.select_for_update().get(pk=material.pk)
    if m.withdrawn_at is not None:
        by = f"由{m.withdrawn_by}" if m.withdrawn_by else ""
        raise DomainError.single(
            "STATE", f"“{m.original_name}”已于{timezone.localtime(m.withdrawn_at):%Y-%m-%d %H:%M}{by}撤回"
        )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError.single("INPUT", "请填写撤回原因（如：上传错误、扫描不清）", field="reason")
    if len(reason) > 500:
        raise DomainError.single("INPUT", "撤回原因不能超过 500 个字符", field="reason")
    return m, a, reason


def _withdraw(m: Material, a: Applicant, reason: str, actor, replaced_by: Material | None = None) -> Material:
    m.withdrawn_at, m.withdrawn_by, m.withdraw_reason, m.replaced_by = timezone.now(), actor, reason, replaced_by
    m.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason", "replaced_by"])
    what = f"第{m.step}步材料“{m.kind}”：{m.original_name}"
    if replaced_by is not None:
        message = f"替换{what}，新文件：{replaced_by.original_name}。原因：{reason}"
    else:
        message = f"撤回{what}。原因：{reason}"
    _log(a, Event.Kind.WITHDRAW, message, actor, m.step)
    return m


@transaction.atomic
def material_withdraw(*, material: Material, reason: str, actor) -> Material:
    """Withdraw a material put up by mistake, with a reason. Nothing is deleted: the row and the file
    stay (struck through in the archive, no longer counted as present) until the retention job
    (README: Retention) removes the file."""
    m, a, reason = _lock_material(material, actor, reason)
    return _withdraw(m, a, reason, actor)


@transaction.atomic
def material_replace(*, material: Material, file, reason: str, actor) -> Material:
    """Replace a material with a new file (same step and material name): the new one is checked and
    stored like any upload, the old one is withdrawn pointing at it. Returns the new material."""
    m, a, reason = _lock_material(material, actor, reason)
    checked = check_upload(file, MATERIAL_UPLOAD)
    new = Material.objects.create(
        applicant=a,
        step=m.step,
        kind=m.kind,
        file=file,
        original_name=checked.original_name,
        size=checked.size,
        uploaded_by=actor,
    )
    _withdraw(m, a, reason, actor, replaced_by=new)
    return new


# --- the access log ---------------------------------------------------------------------------------------
def access_record(
    *, actor, kind: str, what: str, applicant: Applicant | None = None, ip: str | None = None
) -> AccessLog:
    """One line of the access log (append-only; no lock: nothing is read back)."""
    if kind not in AccessKind.values:
        raise ValueError(f"unknown access kind: {kind}")
    return AccessLog.objects.create(
        user=actor if getattr(actor, "is_authenticated", False) else None,
        kind=kind,
        applicant=applicant,
        what=(what or "")[:300],
        ip=ip,
    )


@transaction.atomic
def archive_exempt(*, applicant: Applicant, kind: str, reason: str, actor) -> ArchiveExemption:
    """R23: record why a material the archive requires cannot be supplied (one record per material)."""
    a = Applicant.objects.select_for_update().get(pk=applicant.pk)
    _check_scope(actor, a)
    kind, reason = (kind or "").strip(), (reason or "").strip()
    if not kind:
        raise DomainError.single("INPUT", "请选择材料", field="kind")
    if not reason:
        raise DomainError.single("INPUT", "请填写免交理由", field="reason")
    if ArchiveExemption.objects.filter(applicant=a, kind=kind).exists():
        raise DomainError.single("STATE", f"“{kind}”已记录免交理由")
    item = ArchiveExemption.objects.create(applicant=a, kind=kind[:100], reason=reason, actor=actor)
    _log(a, Event.Kind.MATERIAL, f"档案材料“{kind}”免交：{reason}", actor)
    return item


# --- 2026: the committee's consent and the 公示 before a 发展对象 is listed (R25, R26) -----------------
@transaction.atomic
def consent_record(*, applicant: Applicant, date: dt.date, verdict: str, reason: str = "", stop: bool = False,
                   actor, today: dt.date | None = None) -> CommitteeConsent:  # fmt: skip
    """The upper committee agrees (同意) that an activist may be listed as a 发展对象 after the 公示, or
    refuses (不同意): the person stays an activist, or — ``stop`` — is not developed."""
    if not may_act_at(actor, S.get_step(S.CANDIDATE_FILING).actor):
        raise PermissionDenied("上级党委同意由上级党委办理，您的角色无权登记")
    a = Applicant.objects.select_for_update().get(pk=applicant.pk)
    _check_scope(actor, a)
    if not a.is_active or not S.within(S.AS_ACTIVIST, a.current_step):
        raise DomainError.single("STATE", "只有尚未确定为发展对象的入党积极分子需要上级党委同意")
    if verdict not in CommitteeConsent.Verdict.values:
        raise DomainError.single("INPUT", "请选择意见：同意或不同意", field="verdict")
    reason = (reason or "").strip()
    if verdict == CommitteeConsent.Verdict.DISAGREE and not reason:
        raise DomainError.single("INPUT", "不同意的，须写明理由", field="reason")
    if date > _today(today) or (a.activist_on and date < a.activist_on):
        raise DomainError.single("INPUT", "同意日期应在确定为入党积极分子之后、今天之前", field="date")
    item = CommitteeConsent.objects.create(applicant=a, date=date, verdict=verdict, reason=reason, actor=actor)
    _log(
        a,
        Event.Kind.REVIEW,
        f"上级党委{verdict}列为发展对象（{date:%Y-%m-%d}）{('：' + reason) if reason else ''}",
        actor,
    )
    if verdict == CommitteeConsent.Verdict.DISAGREE and stop:
        a.status, a.terminal_reason, a.terminal_on = ApplicantStatus.NOT_DEVELOPED, reason, date
        a._history_user = actor
        a.save(update_fields=["status", "terminal_reason", "terminal_on", "updated_at"])
        _log(a, Event.Kind.TERMINAL, f"不予发展（上级党委不同意列为发展对象）：{reason}", actor)
    return item


@transaction.atomic
def publicity_record(*, applicant: Applicant, stage: str, start: dt.date, end: dt.date, places: list[str],
                     outcome: str, notes: str = "", actor, today: dt.date | None = None) -> Publicity:  # fmt: skip
    """A 公示: dates, places (流动人员: 流出地 and 流入地), result. Its length in working days is judged
    by R25 when the step it precedes is recorded."""
    a = Applicant.objects.select_for_update().get(pk=applicant.pk)
    _check_scope(actor, a)
    if not a.is_active:
        raise DomainError.single("STATE", f"状态为“{a.get_status_display()}”，不能登记公示")
    errors = []
    if stage not in Publicity.Stage.values:
        errors.append(Violation("INPUT", "请选择公示环节", field="stage"))
    if outcome not in Publicity.Outcome.values:
        errors.append(Violation("INPUT", "请选择公示结果", field="outcome"))
    places = [p.strip()[:100] for p in places or [] if p and p.strip()]
    if not places:
        errors.append(Violation("INPUT", "请填写公示地点", field="places"))
    if end < start:
        errors.append(Violation("INPUT", "公示结束日期不能早于开始日期", field="end"))
    if end > _today(today):
        errors.append(Violation("INPUT", "公示尚未结束，结束后再登记结果", field="end"))
    if outcome == Publicity.Outcome.AFFECTING and not (notes or "").strip():
        errors.append(Violation("INPUT", "公示结果影响发展的，须写明情况", field="notes"))
    if errors:
        raise DomainError(errors)
    item = Publicity.objects.create(
        applicant=a, stage=stage, start=start, end=end, places=places, outcome=outcome, notes=(notes or "").strip(),
        actor=actor,
    )  # fmt: skip
    _log(a, Event.Kind.REVIEW, f"公示（{item.get_stage_display()}）{start:%Y-%m-%d}至{end:%Y-%m-%d}，"
                               f"{'、'.join(places)}：{outcome}", actor)  # fmt: skip
    return item
