"""The member register (党员名册) import for go-live, and the export that re-imports into it.

Contract (management command ``import_members`` and the browser's upload → preview → confirm):

* one header row with the columns of :data:`MEMBER_IMPORT_HEADER`; the last three (处分类别, 处分日期,
  处分影响期至) are optional — a file without them imports; .csv (UTF-8, BOM optional) or .xlsx read by
  the bounded ``recruitment.tabular.read_table``; dates as YYYY-MM-DD, YYYY/MM/DD or Excel date cells;
* every row is judged (Chinese reasons naming the column, rule ``INPUT``); **the ledger's semantics**:
  a row with an error writes nothing, the valid rows are written together in one transaction, and
  nothing at all with ``dry_run`` (the browser's preview); the result serializes to
  ``{"imported": N, "rows": [{"row", "ok", "errors": [{"rule", "field", "message"}], "warnings"}]}``;
* a member is keyed by 公民身份号码 (GB 11643 checksum; 出生日期 and 性别 must match the number):
  a re-import updates the same register entry (姓名, 性别, 党支部, 人员类别, 入党日期, 转正日期, back on
  the register), never a second one; a member registered outside the importer's subtree is refused
  without saying where;
* 党组织编码 is an active 党支部 inside the importer's subtree; 正式党员 may carry a 转正日期 (not before
  the 入党日期, not in the future), a 预备党员 none;
* a 处分类别 (警告 / 严重警告 / 撤销党内职务 / 留党察看) needs its 处分日期 (not before the 入党日期, not in the
  future); 处分影响期至 is not before it. It becomes a ``MemberPenalty`` (the same kind and date again
  is the same penalty: its 影响期 is updated, never duplicated); the member's 留党察看 flag follows the
  penalties: set while a 留党察看 is in force today (R7 also reads the penalties themselves, by date).

These members are the 培养联系人, 入党介绍人 and voters the rules check, and their 入党日期 feed the
stale-organization scan (a recruit of the branch in the window)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from .dates import add_years, age_on
from .idcard import IdNumberError, mask_id_number, parse_id_number
from .models import MemberPenalty, MemberStatus, Organization, PartyMember, PenaltyKind
from .scope import STAFF_ROLES
from .tabular import Table, parse_date

MEMBER_IMPORT_HEADER = [
    "姓名",
    "性别",
    "公民身份号码",
    "出生日期",
    "党组织编码",
    "人员类别",
    "入党日期",
    "转正日期",
    "处分类别",
    "处分日期",
    "处分影响期至",
]
PENALTY_COLUMNS = MEMBER_IMPORT_HEADER[8:]
MEMBER_REQUIRED_HEADER = MEMBER_IMPORT_HEADER[:8]  # a file without the 处分 columns imports
GENDERS = ("男", "女")
STATUSES = tuple(MemberStatus.values)
PENALTY_KINDS = tuple(PenaltyKind.values)
BATCH = 2000


def may_import_members(user) -> bool:
    """Department and committee staff, within their subtree; None is the command line (system)."""
    return user is None or user.has_role(*STAFF_ROLES)


# --- results ----------------------------------------------------------------------------------------
@dataclass
class MemberRowResult:
    row: int
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    name: str = ""
    id_number: str = ""
    org_code: str = ""
    status: str = ""
    action: str = ""  # 新建 / 更新 / 无变化 (for the preview)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, column: str, message: str, rule: str = "INPUT") -> None:
        self.errors.append({"rule": rule, "field": column, "message": message})

    def warn(self, column: str, message: str, rule: str = "INPUT") -> None:
        self.warnings.append({"rule": rule, "field": column, "message": message})

    def as_dict(self) -> dict:
        return {"row": self.row, "ok": self.ok, "errors": self.errors, "warnings": self.warnings}


@dataclass
class MemberImportResult:
    rows: list[MemberRowResult] = field(default_factory=list)
    imported: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    penalties: int = 0  # penalties created or updated
    dry_run: bool = False

    @property
    def error_rows(self) -> int:
        return sum(1 for r in self.rows if not r.ok)

    @property
    def ok_rows(self) -> int:
        return sum(1 for r in self.rows if r.ok)

    def as_json(self) -> dict:
        return {"imported": self.imported, "rows": [r.as_dict() for r in self.rows]}


@dataclass
class _Plan:
    result: MemberRowResult
    member: PartyMember  # new (unsaved) or the existing entry with the new values set
    is_new: bool
    changed: list[str]
    penalty: MemberPenalty | None = None  # new (unsaved) or existing with a changed 影响期
    penalty_is_new: bool = False


# --- reading one row --------------------------------------------------------------------------------
def _cell(cells: dict, column: str) -> Any:
    value = cells.get(column, "")
    return value.strip() if isinstance(value, str) else value


def _date_cell(cells: dict, column: str, result: MemberRowResult, today: dt.date) -> dt.date | None:
    try:
        value = parse_date(_cell(cells, column))
    except ValueError as exc:
        result.error(column, str(exc))
        return None
    if value is not None and value > today:
        result.error(column, f"不能晚于今天（{today:%Y-%m-%d}）：{value:%Y-%m-%d}")
    return value


def _judge_row(
    rownum: int,
    cells: dict,
    *,
    orgs: dict[str, Organization],
    existing: dict[str, list[PartyMember]],
    penalties: dict[int, list[MemberPenalty]],
    seen: dict[str, int],
    user,
    today: dt.date,
) -> tuple[MemberRowResult, _Plan | None]:
    result = MemberRowResult(row=rownum)
    # -- the person ------------------------------------------------------------------------------
    name = str(_cell(cells, "姓名"))
    result.name = name
    if not name:
        result.error("姓名", "不能为空")
    elif len(name) > 50:
        result.error("姓名", "不能超过 50 个字符")
    gender = str(_cell(cells, "性别"))
    if gender not in GENDERS:
        result.error("性别", f"应为 男/女 之一：{gender or '（空）'}")
    birth = None
    try:
        birth = parse_date(_cell(cells, "出生日期"))
        if birth is None:
            result.error("出生日期", "不能为空")
    except ValueError as exc:
        result.error("出生日期", str(exc))
    raw_id = str(_cell(cells, "公民身份号码"))
    id_number = raw_id.upper()
    try:
        parsed = parse_id_number(raw_id)
        id_number = parsed.value
        if birth and birth != parsed.birth_date:
            result.error(
                "公民身份号码", f"出生日期 {birth:%Y-%m-%d} 与公民身份号码中的 {parsed.birth_date:%Y-%m-%d} 不一致"
            )
        if gender in GENDERS and gender != parsed.gender:
            result.error("公民身份号码", f"性别“{gender}”与公民身份号码（第 17 位表示{parsed.gender}性）不一致")
        if id_number in seen:
            result.error(
                "公民身份号码",
                f"与第 {seen[id_number]} 行是同一人（{mask_id_number(id_number)}），同一文件中只能出现一次",
            )
        else:
            seen[id_number] = rownum
    except IdNumberError as exc:
        result.error("公民身份号码", str(exc))
    result.id_number = id_number
    # -- the branch ------------------------------------------------------------------------------
    code = str(_cell(cells, "党组织编码"))
    result.org_code = code
    branch = orgs.get(code)
    if not code:
        result.error("党组织编码", "不能为空")
    elif branch is None:
        result.error("党组织编码", f"找不到编码为 {code} 的党组织")
    elif not branch.is_branch:
        result.error("党组织编码", f"{branch.name}（{code}）是{branch.level}，党员须编入党支部")
    elif not branch.is_active:
        result.error("党组织编码", f"{branch.name}（{code}）已撤销")
    elif user is not None and not user.can_see(branch):
        result.error("党组织编码", f"{branch.name}（{code}）不在您的管辖范围内")
    # -- membership ------------------------------------------------------------------------------
    status = str(_cell(cells, "人员类别"))
    result.status = status
    if status not in STATUSES:
        result.error("人员类别", f"应为 {'/'.join(STATUSES)} 之一：{status or '（空）'}")
    joined = _date_cell(cells, "入党日期", result, today)
    if joined is None and not any(e["field"] == "入党日期" for e in result.errors):
        result.error("入党日期", "不能为空")
    if joined and birth and joined <= birth:
        result.error("入党日期", f"不能早于出生日期 {birth:%Y-%m-%d}：{joined:%Y-%m-%d}")
    elif joined and birth and age_on(birth, joined) < 18:
        result.error("入党日期", f"入党时须年满十八岁（出生日期 {birth:%Y-%m-%d}，入党日期 {joined:%Y-%m-%d}）")
    full_since = _date_cell(cells, "转正日期", result, today)
    if full_since is not None:
        if status == MemberStatus.PROBATIONARY:
            result.error("转正日期", "预备党员尚未转正，不应填写转正日期")
        elif joined and full_since < joined:
            result.error("转正日期", f"不能早于入党日期 {joined:%Y-%m-%d}：{full_since:%Y-%m-%d}")
        elif joined and full_since < add_years(joined, 1):
            result.warn("转正日期", f"距入党日期 {joined:%Y-%m-%d} 不满一年（预备期为一年），请核对")
    elif status == MemberStatus.FULL:
        result.warn("转正日期", "正式党员未填写转正日期，党龄无法计算")
    if status == MemberStatus.PROBATIONARY and joined and add_years(joined, 2) < today:
        result.warn("人员类别", f"入党日期 {joined:%Y-%m-%d} 已超过两年仍为预备党员（预备期含延长最长两年），请核对")
    # -- a penalty -------------------------------------------------------------------------------
    kind = str(_cell(cells, "处分类别"))
    decided = _date_cell(cells, "处分日期", result, today)
    until = None
    try:
        until = parse_date(_cell(cells, "处分影响期至"))
    except ValueError as exc:
        result.error("处分影响期至", str(exc))
    if kind:
        if kind not in PENALTY_KINDS:
            result.error("处分类别", f"应为 {'/'.join(PENALTY_KINDS)} 之一：{kind}")
        if decided is None and not any(e["field"] == "处分日期" for e in result.errors):
            result.error("处分日期", f"填写了处分类别“{kind}”，须填写处分日期")
        if decided and joined and decided < joined:
            result.error("处分日期", f"不能早于入党日期 {joined:%Y-%m-%d}：{decided:%Y-%m-%d}")
        if until and decided and until < decided:
            result.error("处分影响期至", f"不能早于处分日期 {decided:%Y-%m-%d}：{until:%Y-%m-%d}")
        if until is None and not any(e["field"] == "处分影响期至" for e in result.errors):
            result.warn("处分影响期至", "未填写，视为仍在影响期内（留党察看视为尚未恢复党员权利）")
    else:
        for column, value in (("处分日期", decided), ("处分影响期至", until)):
            if value is not None:
                result.error(column, "未填写处分类别，不应填写" + column)
    if result.errors:
        return result, None

    # -- the register entry ----------------------------------------------------------------------
    same = existing.get(id_number, [])
    if len(same) > 1:
        result.error("公民身份号码", f"党员名册中有 {len(same)} 条该公民身份号码的记录，请先在管理后台核对合并")
        return result, None
    member = same[0] if same else None
    if member is not None and user is not None and not user.can_see(member.branch):
        # Someone else's member: say nothing of where they are.
        result.error(
            "公民身份号码",
            "该公民身份号码已登记在您管辖范围以外的党组织；如需转入，请由其所在党组织办理组织关系转接",
        )
        return result, None
    values = {
        "name": name,
        "gender": gender,
        "branch_id": branch.pk,
        "status": status,
        "joined_on": joined,
        "full_member_since": full_since if status == MemberStatus.FULL else None,
        "is_active": True,
    }
    if member is None:
        member = PartyMember(id_number=id_number, **values)
        changed = list(values)
    else:
        changed = [k for k, v in values.items() if getattr(member, k) != v]
        if "branch_id" in changed:
            result.warn(
                "党组织编码", f"所在党支部由 {member.branch.name}（{member.branch.code}）改为 {branch.name}（{code}）"
            )
        for k in changed:
            setattr(member, k, values[k])
    member.branch = branch
    plan = _Plan(result=result, member=member, is_new=not same, changed=changed)
    held = list(penalties.get(member.pk, [])) if member.pk else []
    if kind:
        match = next((p for p in held if p.kind == kind and p.decided_on == decided), None)
        if match is None:
            plan.penalty = MemberPenalty(kind=kind, decided_on=decided, influence_until=until)
            plan.penalty_is_new = True
            held.append(plan.penalty)
        elif match.influence_until != until:
            match.influence_until = until
            plan.penalty = match
    # The 留党察看 flag follows the penalties when there are any of that kind; without one it is left
    # as it was (an entry made by hand before penalties were recorded).
    watches = [p for p in held if p.kind == PenaltyKind.PROBATION_WATCH]
    watched = any(p.in_force_on(today) for p in watches) if watches else member.under_probation_watch
    if watched != member.under_probation_watch:
        member.under_probation_watch = watched
        plan.changed.append("under_probation_watch")
    if plan.is_new:
        result.action = "新建"
    elif plan.changed or plan.penalty is not None:
        result.action = "更新"
    else:
        result.action = "无变化"
    return result, plan


# --- the import ---------------------------------------------------------------------------------------
def members_import(
    *, table: Table, actor=None, dry_run: bool = False, today: dt.date | None = None, source: str = ""
) -> MemberImportResult:
    """Judge every row, then write the valid ones in one transaction (nothing with ``dry_run``)."""
    today = today or timezone.localdate()
    codes = {str(_cell(c, "党组织编码")) for _, c in table.rows}
    orgs = {o.code: o for o in Organization.objects.filter(code__in=codes)}
    ids = sorted({str(_cell(c, "公民身份号码")).upper() for _, c in table.rows} - {""})
    existing: dict[str, list[PartyMember]] = {}
    for i in range(0, len(ids), 5000):
        chunk = ids[i : i + 5000]
        chunk += [x.lower() for x in chunk if x.endswith("X")]
        for m in PartyMember.objects.filter(id_number__in=chunk).select_related("branch"):
            existing.setdefault(m.id_number.upper(), []).append(m)
    pks = [m.pk for ms in existing.values() for m in ms]
    penalties: dict[int, list[MemberPenalty]] = {}
    for i in range(0, len(pks), 5000):
        for p in MemberPenalty.objects.filter(member_id__in=pks[i : i + 5000]):
            penalties.setdefault(p.member_id, []).append(p)
    result = MemberImportResult(dry_run=dry_run)
    plans: list[_Plan] = []
    seen: dict[str, int] = {}
    for rownum, cells in table.rows:
        row, plan = _judge_row(
            rownum, cells, orgs=orgs, existing=existing, penalties=penalties, seen=seen, user=actor, today=today
        )
        result.rows.append(row)
        if plan is not None:
            plans.append(plan)
    result.created = sum(1 for p in plans if p.result.action == "新建")
    result.updated = sum(1 for p in plans if p.result.action == "更新")
    result.unchanged = sum(1 for p in plans if p.result.action == "无变化")
    result.penalties = sum(1 for p in plans if p.penalty is not None)
    if dry_run or not plans:
        return result
    _write(plans, actor=actor, source=source)
    result.imported = len(plans)
    return result


@transaction.atomic
def _write(plans: list[_Plan], *, actor, source: str) -> None:
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    reason = f"党员名册导入{f'（{source}）' if source else ''}"
    new = [p.member for p in plans if p.is_new]
    if new:
        bulk_create_with_history(new, PartyMember, batch_size=BATCH, default_user=actor, default_change_reason=reason)
    fields = sorted({f for p in plans if not p.is_new for f in p.changed})
    changed = [p.member for p in plans if not p.is_new and p.changed]
    if changed:
        bulk_update_with_history(
            changed, PartyMember, fields, batch_size=BATCH, default_user=actor, default_change_reason=reason
        )
    created = []
    for p in plans:
        if p.penalty is not None and p.penalty_is_new:
            p.penalty.member = p.member  # the new member has its pk now
            p.penalty.created_by = actor
            p.penalty.notes = reason[:200]
            created.append(p.penalty)
    MemberPenalty.objects.bulk_create(created, batch_size=BATCH)
    updated = [p.penalty for p in plans if p.penalty is not None and not p.penalty_is_new]
    if updated:
        MemberPenalty.objects.bulk_update(updated, ["influence_until"], batch_size=BATCH)
    # No signals in bulk: the register pages of the members' branches are drawn anew (recruitment.changes).
    from . import changes

    branch_ids = {p.member.branch_id for p in plans}
    changes.touch_paths(Organization.objects.filter(pk__in=branch_ids).values_list("path", flat=True))


# --- export: the same columns, so the register re-imports unchanged ---------------------------------
MEMBER_EXPORT_EXTRA = ["所在党支部", "留党察看", "在册"]  # after the import's columns; ignored on import
MEMBER_EXPORT_HEADER = MEMBER_IMPORT_HEADER + MEMBER_EXPORT_EXTRA


def member_export_rows(queryset) -> list[list[Any]]:
    """Rows of :data:`MEMBER_EXPORT_HEADER` for the members of ``queryset`` (two queries). A member
    with several penalties shows the latest (re-importing it changes nothing)."""
    latest: dict[int, MemberPenalty] = {}
    for p in MemberPenalty.objects.filter(member__in=queryset.values("pk")).order_by("member_id", "decided_on", "pk"):
        latest[p.member_id] = p
    rows = []
    for m in queryset.select_related("branch"):
        try:
            birth = parse_id_number(m.id_number).birth_date
        except IdNumberError:
            birth = None
        p = latest.get(m.pk)
        rows.append(
            [
                m.name,
                m.gender,
                m.id_number,
                birth,
                m.branch.code,
                m.status,
                m.joined_on,
                m.full_member_since,
                p.kind if p else "",
                p.decided_on if p else None,
                p.influence_until if p else None,
                m.branch.name,
                "是" if m.under_probation_watch else "",
                "在册" if m.is_active else "不在册",
            ]
        )
    return rows
