"""The 台账 (ledger) import and export.

Contract (management commands ``import_ledger`` / ``export_ledger`` and the browser pages):

* one header row, exactly :data:`LEDGER_HEADER`; .csv (UTF-8, BOM optional) or .xlsx; dates as
  YYYY-MM-DD, YYYY/MM/DD or Excel date cells; an empty step cell means "not reached";
* every row is judged in memory by the one rule engine (``applicants.rulebook.evaluate`` with
  ``Context.facts``) for the rules the columns decide — R1, R2, R3, R6, R9, R11, R12, R14 — plus
  ``INPUT`` errors for malformed cells, unknown/out-of-scope organizations and ID problems;
* a row with an error writes nothing; the other rows are written together in one transaction
  (nothing at all with ``dry_run``); the result serializes to
  ``{"imported": N, "rows": [{"row", "ok", "errors", "warnings"}]}``.

Re-import (the person is keyed by 公民身份号码, never duplicated):

* attributes (姓名, 性别, 民族, 出生日期, 学历, 职业, 一线, 户籍) are updated;
* steps already recorded in the system are never rewritten: a step column must carry the recorded
  date (or the row is refused with an ``INPUT`` error naming the column), so a corrected date goes
  through the applicant's page, where the correction is attributed;
* later steps in the sheet are appended and judged exactly like new rows, starting from the
  person's recorded state (current step, last date, probation end);
* changing the branch is a transfer, not an import: a different 党组织编码 is refused.

Steps without a column (4–6, 8–14, 16, 18–22) that lie between two dated columns are recorded as
*implied* steps: a ``StepRecord`` with the date of the next dated step, ``data = {"imported": true,
"implied": true}`` and outcome "台账导入（推定）", so the timeline is complete and ordered and shows
them as imported rather than as violations. Steps after the last dated column stay unrecorded.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from recruitment import changes as change_marks
from recruitment.errors import Violation, conflict_on_race
from recruitment.idcard import IdNumberError, mask_id_number, parse_id_number
from recruitment.models import Organization, PartyMember
from recruitment.scope import Level, may_act_at
from recruitment.tabular import Table, parse_date, parse_decimal, parse_int, write_csv, write_xlsx

from . import steps as S
from .effects import Change, apply_step, probation_end_after
from .models import (
    Applicant,
    ApplicantStatus,
    Education,
    Event,
    Gender,
    Occupation,
    Publicity,
    StepRecord,
    Training,
)
from .rulebook import Context, RuleSet, evaluate
from .steps import LEDGER_STEPS, STEPS, Kind, get_step
from .steps import Field as StepField

REQUIRED_HEADER = [
    "姓名",
    "性别",
    "民族",
    "出生日期",
    "公民身份号码",
    "学历",
    "职业",
    "是否生产工作一线",
    "户籍所在地",
    "党组织编码",
    "申请入党日期",
    "谈话日期",
    "确定积极分子日期",
    "确定发展对象日期",
    "集中培训学时",
    "支部大会日期",
    "应到会有表决权人数",
    "实到会有表决权人数",
    "赞成票数",
    "上级党委审批日期",
    "转正支部大会日期",
    "转正审批日期",
]
# Optional columns, appended (files without them import exactly as before). The step table names most of
# them (a step's date column, a field's column); the 2026 listing facts are the ledger's own.
CONSENT_COLUMN, PUBLICITY_START_COLUMN, PUBLICITY_END_COLUMN = (
    "上级党委同意日期",
    "发展对象公示开始日期",
    "发展对象公示结束日期",
)
OPTIONAL_HEADER = [
    CONSENT_COLUMN,
    PUBLICITY_START_COLUMN,
    PUBLICITY_END_COLUMN,
    "预审合格日期",
    "入党宣誓日期",
    "表决方式",
    "会前书面意见赞成数",
    "会前书面意见反对数",
    "转正应到会有表决权人数",
    "转正实到会有表决权人数",
    "转正赞成票数",
    "党委应到会委员数",
    "党委实到会委员数",
    "党委同意票数",
    "延期审批原因",
]
LEDGER_HEADER = REQUIRED_HEADER + OPTIONAL_HEADER
# The contract's columns come from the step table: a step's date column, and the columns of the one
# step whose fields are in the ledger (the branch meeting's votes).
STEP_COLUMNS: dict[int, str] = {s.number: s.ledger_column for s in LEDGER_STEPS}
REQUIRED_STEPS = frozenset(n for n, c in STEP_COLUMNS.items() if c in REQUIRED_HEADER)
DENORMALIZED: dict[int, str] = {s.number: s.sets for s in LEDGER_STEPS if s.sets}
FIELD_COLUMNS: dict[int, dict[str, StepField]] = {
    s.number: {f.name: f for f in s.fields if f.ledger_column} for s in STEPS if any(f.ledger_column for f in s.fields)
}
COLUMN_FIELDS: dict[str, str] = {f.ledger_column: f.name for cols in FIELD_COLUMNS.values() for f in cols.values()}
FIELD_COLUMN_NAMES: dict[tuple[int, str], str] = {
    (n, name): f.ledger_column for n, cols in FIELD_COLUMNS.items() for name, f in cols.items()
}
DECIDABLE_RULES = ("R1", "R2", "R3", "R6", "R9", "R11", "R12", "R14", "R21", "R25", "R26", "R27", "R28")
# A 2026 rule needs a fact that only an optional column carries: a row of the 2026 era without it is
# warned about by name (rule, column, the step whose date decides the era).
MISSING_FACTS = (("R27", "预审合格日期", S.BRANCH_MEETING), ("R28", "入党宣誓日期", S.CONVERSION_MEETING),
                 ("R11", "表决方式", S.BRANCH_MEETING))  # fmt: skip
IMPORTED_TRAINING = "台账导入：集中培训"
IMPLIED_DATA = {"imported": True, "implied": True}  # shared, never mutated
ATTRIBUTES = [
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "education",
    "occupation",
    "frontline",
    "household_registration",
]
BATCH = 2000
# Enum ``.values`` rebuilds a list on every call; the import asks tens of thousands of times.
GENDERS, EDUCATIONS, OCCUPATIONS = tuple(Gender.values), tuple(Education.values), tuple(Occupation.values)


def _date(value: Any) -> dt.date | None:
    """parse_date with a fast path for the usual YYYY-MM-DD text (strptime is slow at 100k cells)."""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    return parse_date(value)


def may_import(user) -> bool:
    return may_act_at(user, Level.BRANCH)  # None: the command line, the demo


# --- results ----------------------------------------------------------------------------------------
@dataclass
class RowResult:
    row: int
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    name: str = ""
    id_number: str = ""
    org_code: str = ""
    action: str = ""  # 新建 / 更新 / 无变化 (for the preview)
    current_step: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, rule: str, column: str, message: str) -> None:
        self.errors.append({"rule": rule, "field": column, "message": message})

    def as_dict(self) -> dict:
        return {"row": self.row, "ok": self.ok, "errors": self.errors, "warnings": self.warnings}


@dataclass
class LedgerResult:
    rows: list[RowResult] = field(default_factory=list)
    imported: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False

    @property
    def error_rows(self) -> int:
        return sum(1 for r in self.rows if not r.ok)

    @property
    def ok_rows(self) -> int:
        return sum(1 for r in self.rows if r.ok)

    def as_json(self) -> dict:
        return {"imported": self.imported, "rows": [r.as_dict() for r in self.rows]}


# --- the plan for one valid row ---------------------------------------------------------------------
@dataclass
class _Plan:
    result: RowResult
    attrs: dict[str, Any]
    branch: Organization
    existing: Applicant | None
    new_steps: list[tuple[int, dt.date, dict, list[dict]]]  # (step, date, data, warnings)
    hours: Decimal | None
    add_training: bool
    applicant: Applicant | None = None
    changed: list[str] = field(default_factory=list)  # attributes changed by a re-import


@dataclass
class _Snapshot:
    """What the import needs to know about people already in the system (loaded in 3 queries)."""

    by_id: dict[str, Applicant]
    votes: dict[tuple[int, int], dict]  # (applicant id, step) → the recorded data of steps with field columns
    record_dates: dict[tuple[int, int], dt.date]  # (applicant id, step) → date, for dated steps without ``sets``
    training: dict[int, Decimal]  # applicant id → total hours (recorded trainings + carried)
    has_training: set[int]


def _snapshot(id_numbers: set[str]) -> _Snapshot:
    by_id: dict[str, Applicant] = {}
    ids = sorted(id_numbers)
    for i in range(0, len(ids), 5000):
        by_id.update({a.id_number: a for a in Applicant.objects.filter(id_number__in=ids[i : i + 5000])})
    pks = [a.pk for a in by_id.values()]
    votes, record_dates, training, has_training = {}, {}, {}, set()
    if pks:
        steps = set(FIELD_COLUMNS) | {n for n in STEP_COLUMNS if n not in DENORMALIZED}
        for aid, n, data, date in StepRecord.objects.filter(applicant_id__in=pks, step__in=steps).values_list(
            "applicant_id", "step", "data", "date"
        ):
            votes[(aid, n)] = data
            record_dates[(aid, n)] = date
        for row in Training.objects.filter(applicant_id__in=pks).values("applicant_id").annotate(h=Sum("hours")):
            training[row["applicant_id"]] = Decimal(row["h"] or 0)
            has_training.add(row["applicant_id"])
    for a in by_id.values():
        training[a.pk] = training.get(a.pk, Decimal(0)) + Decimal(a.training_hours_carried or 0)
    return _Snapshot(by_id=by_id, votes=votes, record_dates=record_dates, training=training, has_training=has_training)


def _cell(cells: dict, column: str) -> Any:
    value = cells.get(column, "")
    return value.strip() if isinstance(value, str) else value


def _choice(cells, column, choices, result) -> str:
    value = str(_cell(cells, column))
    if value not in choices:
        result.error("INPUT", column, f"应为 {'/'.join(choices)} 之一：{value or '（空）'}")
    return value


def _judge_row(
    rownum: int,
    cells: dict,
    *,
    orgs: dict[str, Organization],
    snap: _Snapshot,
    seen: dict[str, int],
    user,
    ruleset: RuleSet,
    today: dt.date,
) -> tuple[RowResult, _Plan | None]:
    result = RowResult(row=rownum)
    # -- attributes ------------------------------------------------------------------------------
    name = str(_cell(cells, "姓名"))
    result.name = name
    if not name:
        result.error("INPUT", "姓名", "不能为空")
    elif len(name) > 50:
        result.error("INPUT", "姓名", "不能超过 50 个字符")
    gender = _choice(cells, "性别", GENDERS, result)
    ethnicity = str(_cell(cells, "民族"))
    if not ethnicity:
        result.error("INPUT", "民族", "不能为空")
    elif len(ethnicity) > 20:
        result.error("INPUT", "民族", "不能超过 20 个字符")
    education = _choice(cells, "学历", EDUCATIONS, result)
    occupation = _choice(cells, "职业", OCCUPATIONS, result)
    frontline_text = str(_cell(cells, "是否生产工作一线"))
    if frontline_text not in ("是", "否"):
        result.error("INPUT", "是否生产工作一线", f"应填“是”或“否”：{frontline_text or '（空）'}")
    household = str(_cell(cells, "户籍所在地"))
    if len(household) > 200:
        result.error("INPUT", "户籍所在地", "不能超过 200 个字符")
    birth = None
    try:
        birth = _date(_cell(cells, "出生日期"))
        if birth is None:
            result.error("INPUT", "出生日期", "不能为空")
    except ValueError as exc:
        result.error("INPUT", "出生日期", str(exc))
    raw_id = str(_cell(cells, "公民身份号码"))
    id_number = raw_id.upper()
    try:
        parsed = parse_id_number(raw_id)
        id_number = parsed.value
        if birth and birth != parsed.birth_date:
            result.error(
                "INPUT",
                "公民身份号码",
                f"出生日期 {birth:%Y-%m-%d} 与公民身份号码中的 {parsed.birth_date:%Y-%m-%d} 不一致",
            )
        if gender in GENDERS and gender != parsed.gender:
            result.error(
                "INPUT", "公民身份号码", f"性别“{gender}”与公民身份号码（第 17 位表示{parsed.gender}性）不一致"
            )
        if id_number in seen:
            result.error(
                "INPUT",
                "公民身份号码",
                f"与第 {seen[id_number]} 行是同一人（{mask_id_number(id_number)}），同一文件中只能出现一次",
            )
        else:
            seen[id_number] = rownum
    except IdNumberError as exc:
        result.error("INPUT", "公民身份号码", str(exc))
    result.id_number = id_number
    # -- organization ----------------------------------------------------------------------------
    code = str(_cell(cells, "党组织编码"))
    result.org_code = code
    branch = orgs.get(code)
    if not code:
        result.error("INPUT", "党组织编码", "不能为空")
    elif branch is None:
        result.error("INPUT", "党组织编码", f"找不到编码为 {code} 的党组织")
    elif not branch.is_branch:
        result.error("INPUT", "党组织编码", f"{branch.name}（{code}）是{branch.level}，入党申请人须编入党支部")
    elif not branch.is_active:
        result.error("INPUT", "党组织编码", f"{branch.name}（{code}）已撤销")
    elif user is not None and not user.can_see(branch):
        result.error("INPUT", "党组织编码", f"{branch.name}（{code}）不在您的管辖范围内")
    # -- dates, hours, votes ---------------------------------------------------------------------
    dates: dict[int, dt.date] = {}
    for n, column in STEP_COLUMNS.items():
        try:
            value = _date(_cell(cells, column))
        except ValueError as exc:
            result.error("INPUT", column, str(exc))
            continue
        if value is not None:
            dates[n] = value
    first_column = STEP_COLUMNS[S.APPLICATION]
    if S.APPLICATION not in dates and not any(e["field"] == first_column for e in result.errors):
        result.error("INPUT", first_column, "不能为空：台账中的人员须已递交入党申请书")
    hours = None
    try:
        value = parse_decimal(_cell(cells, "集中培训学时"))
        hours = None if value is None else Decimal(str(value))
    except ValueError as exc:
        result.error("INPUT", "集中培训学时", str(exc))
    values = _field_values(cells, result)  # step → {field: value} of the columns that are filled
    for n, filled in values.items():
        date_column = STEP_COLUMNS[n]
        if n not in dates and date_column not in {e["field"] for e in result.errors}:
            for name in filled:
                result.error("INPUT", FIELD_COLUMN_NAMES[(n, name)], f"未填写{date_column}，不应填写此列")
    listing = _listing_facts(cells, dates, result)
    # R3: a dated column of the contract's required part needs every earlier one.
    previous_missing = None
    for n, column in STEP_COLUMNS.items():
        if n not in REQUIRED_STEPS:
            continue
        if n in dates and previous_missing is not None:
            result.error(
                "R3", column, f"R3 发展党员工作流程：填写了{column}，须先填写{previous_missing}（按程序顺序办理）"
            )
            break
        if n not in dates and not any(e["field"] == column for e in result.errors):
            previous_missing = previous_missing or column
    if result.errors:
        return result, None

    # -- the person in the system ----------------------------------------------------------------
    existing = snap.by_id.get(id_number)
    attrs = {
        "name": name,
        "gender": gender,
        "ethnicity": ethnicity,
        "birth_date": birth,
        "education": education,
        "occupation": occupation,
        "frontline": frontline_text == "是",
        "household_registration": household,
    }
    recorded = existing.current_step if existing else 0
    step_dates: dict[int, dt.date] = {}
    if existing is not None:
        if user is not None and not user.can_see(existing.branch):
            # Someone else's person: say nothing of where they are or what was recorded.
            result.error(
                "INPUT",
                "公民身份号码",
                "该公民身份号码已在您管辖范围以外的党组织建档；如需转入，请由其所在党组织办理转接",
            )
            return result, None
        if existing.branch_id != branch.pk:
            result.error(
                "INPUT",
                "党组织编码",
                f"该人员已在{existing.branch.name}（{existing.branch.code}）建档；"
                "变更所在党支部请办理转接，不能通过导入修改",
            )
        for n, column in STEP_COLUMNS.items():
            if n > recorded:
                break
            have = getattr(existing, DENORMALIZED[n]) if n in DENORMALIZED else snap.record_dates.get((existing.pk, n))
            if have is None or (n not in dates and n not in REQUIRED_STEPS):
                continue
            step_dates[n] = have
            if dates.get(n) != have:
                shown = dates[n].isoformat() if n in dates else "空"
                result.error(
                    "INPUT",
                    column,
                    f"系统中已登记为 {have:%Y-%m-%d}，台账中为{shown}；"
                    "已登记的步骤不能通过导入修改，请在该人员页面更正",
                )
        for n, filled in values.items():
            if recorded < n:
                continue
            stored = snap.votes.get((existing.pk, n)) or {}
            for key, value in filled.items():
                if stored.get(key) not in (None, "") and str(stored[key]) != str(value):
                    result.error(
                        "INPUT",
                        FIELD_COLUMN_NAMES[(n, key)],
                        f"系统中已登记为 {stored[key]}，台账中为 {value}；已登记的步骤数据不能通过导入修改",
                    )
        if hours is not None and existing.pk in snap.has_training and hours != snap.training[existing.pk]:
            result.error(
                "INPUT",
                "集中培训学时",
                f"系统中已登记培训 {snap.training[existing.pk]:g} 学时，台账中为 {hours:g}；"
                "已登记的培训请在该人员页面修改",
            )
        new_known = [n for n in dates if n > recorded]
        if new_known and existing.status != ApplicantStatus.ACTIVE:
            result.error(
                "STATE",
                STEP_COLUMNS[new_known[0]],
                f"该人员状态为“{existing.get_status_display()}”，不能继续办理第{new_known[0]}步",
            )
        if result.errors:
            return result, None

    # -- the rules, judged in memory ---------------------------------------------------------------
    subject = existing or Applicant(branch=branch, id_number=id_number, created_by=user, **attrs)
    step_dates.update({n: d for n, d in dates.items() if n > recorded})
    if existing is not None and existing.pk in snap.has_training and hours is None:
        training_hours = snap.training[existing.pk]
    else:
        training_hours = hours or Decimal(0)
    probation_end = (
        existing.probation_end
        if existing and existing.probation_end
        else probation_end_after(step_dates[S.BRANCH_MEETING])
        if S.BRANCH_MEETING in step_dates
        else None
    )
    previous = existing.last_step_on if existing else None
    new_steps: list[tuple[int, dt.date, dict, list[dict]]] = []
    current = recorded
    for n in sorted(d for d in dates if d > recorded):
        date = dates[n]
        facts = {
            "step_dates": step_dates,
            "current_step": n - 1,
            "previous_date": previous,
            "training_hours": training_hours,
            "training_days": 0,
            "probation_end": probation_end,
            "from_ledger": True,
            "consent": listing["consent"],
            "publicity": listing["publicity"],
        }
        verdicts = []
        review = S.BRANCH_COMMITTEE_REVIEW  # R9 is judged there; it has no column of its own
        if current < review <= n:
            verdicts.append(
                (
                    review,
                    evaluate(
                        Context(applicant=subject, point=review, date=date, facts=facts, today=today),
                        ruleset,
                        only=("R9",),
                    ),
                )
            )
        point_data = dict(values.get(n, {}))
        only = list(DECIDABLE_RULES)
        if n in FIELD_COLUMNS and not _required_fields(n) and not point_data:
            # the votes of this step are in optional columns, all empty: its rules cannot be judged
            skipped = {f.checked_by for f in FIELD_COLUMNS[n].values() if f.checked_by}
            only = [r for r in only if r not in skipped]
            columns = [f.ledger_column for f in FIELD_COLUMNS[n].values() if f.checked_by in skipped]
            result.warnings += _missing_fact_warnings(skipped, date, columns, ruleset, subject)
        for rule, column, at in MISSING_FACTS:
            if at == n and not _cell(cells, column):
                result.warnings += _missing_fact_warnings({rule}, date, [column], ruleset, subject)
        verdicts.append(
            (
                n,
                evaluate(
                    Context(applicant=subject, point=n, date=date, data=point_data, facts=facts, today=today),
                    ruleset,
                    only=only,
                ),
            )
        )
        step_warnings: list[dict] = []
        for point, verdict in verdicts:
            for v in verdict.errors:
                result.error(v.rule, _column_for(v, point), str(v))
            for v in verdict.warnings:
                item = {"rule": v.rule, "field": _column_for(v, point), "message": str(v)}
                result.warnings.append(item)
                step_warnings.append(v.as_dict())
        consent = listing["consent"] if n == S.CANDIDATE and _in_force(ruleset, "R26", date, subject) else None
        for implied in range(current + 1, n):
            if implied == S.CANDIDATE_FILING and listing["filed_on"]:  # 2014: the 备案 date, when given
                new_steps.append((implied, listing["filed_on"], {"imported": True}, []))
            else:
                new_steps.append((implied, date, IMPLIED_DATA, []))
        data = {"imported": True, **values.get(n, {})}
        if consent is not None:
            data["consent"] = consent  # the effect completes step 8 with the consent's date (2026); not stored
            if listing["publicity"] is not None:
                data["publicity_start"] = listing["publicity"].start.isoformat()
                data["publicity_end"] = listing["publicity"].end.isoformat()
        new_steps.append((n, date, data, step_warnings))
        previous, current = date, n
        if consent is not None:
            current = S.CANDIDATE_FILING
    if result.errors:
        return result, None
    add_training = hours is not None and hours > 0 and not (existing and existing.pk in snap.has_training)
    changed = existing is None or any(getattr(existing, k) != v for k, v in attrs.items())
    result.action = "新建" if existing is None else ("更新" if changed or new_steps or add_training else "无变化")
    result.current_step = current
    return result, _Plan(
        result=result,
        attrs=attrs,
        branch=branch,
        existing=existing,
        new_steps=new_steps,
        hours=hours,
        add_training=add_training,
        applicant=subject,
    )


def _field_values(cells: dict, result: RowResult) -> dict[int, dict[str, Any]]:
    """The filled field columns, typed by their declaration, per step."""
    out: dict[int, dict[str, Any]] = {}
    for n, fields in FIELD_COLUMNS.items():
        for name, f in fields.items():
            raw = _cell(cells, f.ledger_column)
            if raw in ("", None):
                continue
            try:
                if f.kind == Kind.INT:
                    value = parse_int(raw)
                    if f.max_value is not None and value > f.max_value:
                        raise ValueError(f"不能大于 {f.max_value}：{raw}")
                elif f.kind == Kind.CHOICE:
                    value = str(raw)
                    if value not in f.choices:
                        raise ValueError(f"应为 {'/'.join(f.choices)} 之一：{value}")
                else:
                    value = str(raw)[:2000]
            except ValueError as exc:
                result.error("INPUT", f.ledger_column, str(exc))
                continue
            out.setdefault(n, {})[name] = value
    return out


def _required_fields(n: int) -> bool:
    return any(f.ledger_column in REQUIRED_HEADER for f in FIELD_COLUMNS.get(n, {}).values())


def _listing_facts(cells: dict, dates: dict[int, dt.date], result: RowResult) -> dict[str, Any]:
    """The 2026 listing facts (R25, R26): the consent and the 公示 dates; before 2026 the consent column
    is the date of step 8 (备案)."""
    parsed: dict[str, dt.date | None] = {}
    for column in (CONSENT_COLUMN, PUBLICITY_START_COLUMN, PUBLICITY_END_COLUMN):
        try:
            parsed[column] = _date(_cell(cells, column))
        except ValueError as exc:
            result.error("INPUT", column, str(exc))
            parsed[column] = None
    consent_on, start, end = parsed[CONSENT_COLUMN], parsed[PUBLICITY_START_COLUMN], parsed[PUBLICITY_END_COLUMN]
    listed = dates.get(S.CANDIDATE)
    for column, value in parsed.items():
        if value is not None and listed is None:
            result.error("INPUT", column, f"未填写{STEP_COLUMNS[S.CANDIDATE]}，不应填写此列")
    if (start is None) != (end is None):
        result.error(
            "INPUT", PUBLICITY_END_COLUMN if end is None else PUBLICITY_START_COLUMN, "公示开始和结束日期须同时填写"
        )
    elif start and end and end < start:
        result.error("INPUT", PUBLICITY_END_COLUMN, "公示结束日期不能早于开始日期")
    elif end and listed and end >= listed:
        result.error("INPUT", PUBLICITY_END_COLUMN, f"公示应在{STEP_COLUMNS[S.CANDIDATE]}之前结束")
    consent = SimpleNamespace(date=consent_on, verdict="同意", reason="", actor=None) if consent_on else None
    publicity = SimpleNamespace(start=start, end=end, places=None, outcome="", notes="") if start and end else None
    filed_on = consent_on if consent_on and listed and consent_on >= listed else None
    return {"consent": consent, "publicity": publicity, "filed_on": filed_on}


def _in_force(ruleset: RuleSet, code: str, on: dt.date, subject: Applicant) -> bool:
    return ruleset.in_force(code, on, subject.branch.path if subject.branch_id else "") is not None


def _missing_fact_warnings(rules: set[str], date: dt.date, columns: list[str], ruleset: RuleSet, subject) -> list[dict]:
    """A warning per rule of the 2026 set that a row of its era cannot be judged by, naming the columns."""
    out = []
    for rule in sorted(rules):
        row = ruleset.in_force(rule, date, subject.branch.path if subject.branch_id else "")
        if row is not None and row.version == "2026":
            names = "、".join(columns)
            out.append(
                {"rule": rule, "field": columns[0], "message": f"{rule} {row.article}：台账未填写{names}，未能核对"}
            )
    return out


def _column_for(v: Violation, point: int) -> str:
    if (point, v.field) in FIELD_COLUMN_NAMES:
        return FIELD_COLUMN_NAMES[(point, v.field)]
    if v.field == "集中培训学时" or point == S.BRANCH_COMMITTEE_REVIEW:
        return "集中培训学时"
    return STEP_COLUMNS.get(point, v.field)


# --- the import ---------------------------------------------------------------------------------------
def ledger_import(
    *, table: Table, actor=None, dry_run: bool = False, today: dt.date | None = None, source: str = ""
) -> LedgerResult:
    """Judge every row, then write the valid ones in one transaction (nothing with ``dry_run``)."""
    today = today or timezone.localdate()
    ruleset = RuleSet.load()
    codes = {str(_cell(c, "党组织编码")) for _, c in table.rows}
    orgs = {o.code: o for o in Organization.objects.filter(code__in=codes)}
    ids = {str(_cell(c, "公民身份号码")).upper() for _, c in table.rows}
    snap = _snapshot(ids)
    if snap.by_id:  # names of the branches people are already in, for clear messages
        extra = {a.branch_id for a in snap.by_id.values()} - {o.pk for o in orgs.values()}
        for o in Organization.objects.filter(pk__in=extra):
            orgs.setdefault(o.code, o)
        by_pk = {o.pk: o for o in orgs.values()}
        for a in snap.by_id.values():
            a.branch = by_pk[a.branch_id]
    seen: dict[str, int] = {}
    result = LedgerResult(dry_run=dry_run)
    plans: list[_Plan] = []
    for rownum, cells in table.rows:
        row_result, plan = _judge_row(
            rownum, cells, orgs=orgs, snap=snap, seen=seen, user=actor, ruleset=ruleset, today=today
        )
        result.rows.append(row_result)
        if plan is not None:
            plans.append(plan)
    result.created = sum(1 for p in plans if p.result.action == "新建")
    result.updated = sum(1 for p in plans if p.result.action == "更新")
    result.unchanged = sum(1 for p in plans if p.result.action == "无变化")
    if dry_run or not plans:
        return result
    with conflict_on_race():  # another import or a person's page created the same person meanwhile
        _write(plans, actor=actor, source=source)
    result.imported = len(plans)
    return result


@transaction.atomic
def _write(plans: list[_Plan], *, actor, source: str) -> None:
    from simple_history.utils import bulk_update_with_history

    label = f"台账导入{f'（{source}）' if source else ''}"
    # The steps' effects, in memory, through the same function as the browser; then bulk writes.
    changes: list[Change] = []
    for p in plans:
        a = p.applicant  # the existing person, or the unsaved one the rules judged
        p.changed = [k for k, v in p.attrs.items() if getattr(a, k) != v] if p.existing else []
        for k in p.changed:
            setattr(a, k, p.attrs[k])
        change = Change()
        for n, date, data, _ in p.new_steps:
            apply_step(a, get_step(n), date, data, actor=actor, change=change)
        changes.append(change)
    # Members first: an applicant approved (step 17) points at their register entry.
    PartyMember.objects.bulk_create([c.new_member for c in changes if c.new_member], batch_size=BATCH)
    to_create, to_update, update_fields = [], [], set()
    for p, change in zip(plans, changes, strict=True):
        a = p.applicant
        if change.new_member is not None:
            a.member = change.new_member
        fields = set(p.changed) | set(change.fields)
        if p.existing is None:
            to_create.append(a)
        elif fields:
            a.updated_at = timezone.now()
            a.version += 1  # no signals in bulk: the person's cached pages are renewed here
            to_update.append(a)
            update_fields |= fields | {"updated_at", "version"}
    _create_applicants(to_create, actor=actor, reason=label)
    if to_update:
        bulk_update_with_history(
            to_update,
            Applicant,
            sorted(update_fields),
            batch_size=BATCH,
            default_user=actor,
            default_change_reason=label,
        )
    change_of = {id(p): c for p, c in zip(plans, changes, strict=True)}
    # Register entries of people approved earlier (promotion by an imported conversion).
    for p, change in zip(plans, changes, strict=True):
        if change.member_update and p.applicant.member_id:
            PartyMember.objects.filter(pk=p.applicant.member_id).update(**change.member_update)
    actor_id = actor.pk if actor else None
    acting_org_id = getattr(actor, "organization_id", None)
    now = timezone.now()
    records, trainings, events = [], [], []
    for p in plans:
        a = p.applicant
        for n, date, data, warnings in p.new_steps:
            implied = data.get("implied", False)
            records.append(
                (
                    a.pk,
                    n,
                    date,
                    actor_id,
                    acting_org_id,
                    label,
                    "台账导入（推定）" if implied else "完成",
                    "台账未单列此步骤，按其后第一个已填日期推定" if implied else "",
                    {k: v for k, v in data.items() if k != "consent"} if "consent" in data else data,
                    warnings,
                    now,
                )
            )
        for extra in change_of[id(p)].extra_records:  # 2026: the consent that completed step 8
            records.append(
                (a.pk, extra.step, extra.date, actor_id, acting_org_id, label, extra.outcome, extra.notes, extra.data,
                 [], now)
            )  # fmt: skip
        if p.add_training:
            on = next((d for n, d, *_ in p.new_steps if n >= S.TRAINING), a.last_step_on)
            trainings.append(
                Training(applicant=a, name=IMPORTED_TRAINING, start=on, end=on, days=0, hours=p.hours, actor=actor)
            )
        parts = []
        if p.existing is None:
            parts.append(f"{label}建档：{a.name}，{p.branch.name}")
        elif p.changed:
            parts.append(
                f"{label}修改信息：" + "、".join(str(Applicant._meta.get_field(k).verbose_name) for k in p.changed)
            )
        if p.new_steps:
            first, last = p.new_steps[0][0], p.new_steps[-1][0]
            parts.append(
                f"{label}登记第{first}–{last}步（至 {p.new_steps[-1][1]:%Y-%m-%d}）"
                if first != last
                else f"{label}登记第{first}步（{p.new_steps[-1][1]:%Y-%m-%d}）"
            )
        if p.add_training:
            parts.append(f"集中培训 {p.hours:g} 学时")
        if parts:
            kind = Event.Kind.CREATED if p.existing is None else (Event.Kind.STEP if p.new_steps else Event.Kind.EDIT)
            events.append(
                (
                    a.pk,
                    str(kind),
                    p.new_steps[-1][0] if p.new_steps else None,
                    actor_id,
                    now,
                    "；".join(parts),
                    [{"rule": w["rule"], "kind": "warn", "message": w["message"]} for w in p.result.warnings],
                )
            )
    if _is_postgres():
        _copy_step_records(records)
    else:
        _insert(StepRecord, STEP_RECORD_COLUMNS, records)
    Training.objects.bulk_create(trainings, batch_size=BATCH)
    _insert(Event, EVENT_COLUMNS, events)
    # No signals in bulk: the stored next to-do item of everyone written (applicants.due).
    from .due import refresh
    from .versions import person_changed

    refresh([p.applicant.pk for p in plans])
    # ... the change marks of their branches (recruitment.changes) and what keeps copies of a person —
    # for the people written (a row that changed nothing leaves the pages as they are).
    written = [p for p in plans if p.existing is None or p.changed or p.new_steps or p.add_training]
    change_marks.touch_paths({p.applicant.branch.path for p in written})
    person_changed.send(sender=Applicant, ids={p.applicant.pk for p in written})


STEP_RECORD_COLUMNS = (
    "applicant_id",
    "step",
    "date",
    "actor_id",
    "acting_org_id",
    "responsible",
    "outcome",
    "notes",
    "data",
    "warnings",
    "created_at",
)
EVENT_COLUMNS = ("applicant_id", "kind", "step", "actor_id", "at", "message", "rules")


def _is_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def _copy_text(value: Any) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _copy_rows(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert many rows with one COPY (PostgreSQL only). Building ~100,000 model instances and INSERT
    statements for a 10,000-row ledger would otherwise dominate the import."""
    from django.db import connection

    buf = io.StringIO()
    for r in rows:
        buf.write("\t".join([_copy_text(v) for v in r]))
        buf.write("\n")
    buf.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f'COPY "{table}" ({", ".join(f"{chr(34)}{c}{chr(34)}" for c in columns)}) FROM STDIN', buf
        )


def _copy_step_records(rows: list[tuple]) -> None:
    """The bulk of an import (~10 records a person): lines formatted directly, repeated JSON and text
    serialized once."""
    from django.db import connection

    cache: dict[int, str] = {}

    def once(value) -> str:
        key = id(value)
        if key not in cache:
            cache[key] = _copy_text(value)
        return cache[key]

    buf = io.StringIO()
    write = buf.write
    for aid, n, date, actor_id, org_id, responsible, outcome, notes, data, warnings, created in rows:
        write(
            f"{aid}\t{n}\t{date.isoformat()}\t{once(actor_id)}\t{once(org_id)}\t{once(responsible)}\t{once(outcome)}\t"
            f"{once(notes)}\t{once(data) if data is IMPLIED_DATA else _copy_text(data)}\t"
            f"{_copy_text(warnings) if warnings else '[]'}\t{once(created)}\n"
        )
    buf.seek(0)
    columns = ", ".join(f'"{c}"' for c in STEP_RECORD_COLUMNS)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f'COPY "{StepRecord._meta.db_table}" ({columns}) FROM STDIN', buf)


def _insert(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    if not rows:
        return
    if _is_postgres():
        _copy_rows(model._meta.db_table, columns, rows)
    else:
        model.objects.bulk_create([model(**dict(zip(columns, r, strict=True))) for r in rows], batch_size=BATCH)


def _create_applicants(objs: list[Applicant], *, actor, reason: str) -> None:
    """Create applicants with their first history row; sets each object's pk."""
    from simple_history.utils import bulk_create_with_history

    if not objs:
        return
    if not _is_postgres():
        bulk_create_with_history(objs, Applicant, batch_size=BATCH, default_user=actor, default_change_reason=reason)
        return
    now = timezone.now()
    fields = [f.attname for f in Applicant._meta.concrete_fields if f.attname != "id"]
    for a in objs:
        a.created_at = a.updated_at = now
    _copy_rows(Applicant._meta.db_table, tuple(fields), [tuple(getattr(a, f) for f in fields) for a in objs])
    ids = [a.id_number for a in objs]
    pks: dict[str, int] = {}
    for i in range(0, len(ids), 5000):
        pks.update(Applicant.objects.filter(id_number__in=ids[i : i + 5000]).values_list("id_number", "id"))
    for a in objs:
        a.pk = a.id = pks[a.id_number]
    history = Applicant.history.model
    hfields = [f.attname for f in history._meta.concrete_fields if f.attname != "history_id"]
    extra = {
        "history_date": now,
        "history_change_reason": reason,
        "history_type": "+",
        "history_user_id": actor.pk if actor else None,
    }
    _copy_rows(
        history._meta.db_table,
        tuple(hfields),
        [tuple(extra[f] if f in extra else getattr(a, f) for f in hfields) for a in objs],
    )


# --- export -----------------------------------------------------------------------------------------
def ledger_rows(queryset) -> list[list[Any]]:
    """The ledger rows (the import's layout, :data:`LEDGER_HEADER`) for applicants in ``queryset``.
    A constant number of queries per 5,000 people."""
    people = list(queryset.select_related("branch").order_by("branch__path", "id"))
    pks = [a.pk for a in people]
    records: dict[tuple[int, int], tuple[dt.date, dict]] = {}
    hours: dict[int, Decimal] = {}
    publicity: dict[int, tuple[dt.date, dt.date]] = {}
    wanted = set(FIELD_COLUMNS) | set(STEP_COLUMNS) | {S.CANDIDATE, S.CANDIDATE_FILING}
    for i in range(0, len(pks), 5000):
        chunk = pks[i : i + 5000]
        for aid, n, date, data in StepRecord.objects.filter(applicant_id__in=chunk, step__in=wanted).values_list(
            "applicant_id", "step", "date", "data"
        ):
            records[(aid, n)] = (date, data or {})
        for row in Training.objects.filter(applicant_id__in=chunk).values("applicant_id").annotate(h=Sum("hours")):
            hours[row["applicant_id"]] = Decimal(row["h"] or 0)
        for aid, start, end in (
            Publicity.objects.filter(applicant_id__in=chunk, stage="candidate")
            .order_by("applicant_id", "end")
            .values_list("applicant_id", "start", "end")
        ):
            publicity[aid] = (start, end)  # the latest
    rows = []
    for a in people:
        total = hours.get(a.pk)
        if a.training_hours_carried:
            total = (total or Decimal(0)) + a.training_hours_carried
        cells: dict[str, Any] = {
            "姓名": a.name, "性别": a.gender, "民族": a.ethnicity, "出生日期": a.birth_date, "公民身份号码": a.id_number,
            "学历": a.education, "职业": a.occupation, "是否生产工作一线": "是" if a.frontline else "否",
            "户籍所在地": a.household_registration, "党组织编码": a.branch.code,
            "集中培训学时": f"{total.normalize():f}" if total is not None else "",
        }  # fmt: skip
        for n, column in STEP_COLUMNS.items():
            cells[column] = getattr(a, DENORMALIZED[n]) if n in DENORMALIZED else records.get((a.pk, n), (None,))[0]
        for (n, name), column in FIELD_COLUMN_NAMES.items():
            cells[column] = records.get((a.pk, n), (None, {}))[1].get(name)
        filing = records.get((a.pk, S.CANDIDATE_FILING))
        cells[CONSENT_COLUMN] = filing[0] if filing and not filing[1].get("implied") else None
        listed = records.get((a.pk, S.CANDIDATE), (None, {}))[1]
        start, end = publicity.get(a.pk) or (listed.get("publicity_start"), listed.get("publicity_end"))
        cells[PUBLICITY_START_COLUMN], cells[PUBLICITY_END_COLUMN] = start, end
        rows.append([cells.get(h) for h in LEDGER_HEADER])
    return rows


def ledger_export(*, queryset, fmt: str) -> bytes:
    rows = ledger_rows(queryset)
    if fmt == "xlsx":
        return write_xlsx(LEDGER_HEADER, rows, "发展党员台账")
    return write_csv(LEDGER_HEADER, rows)
