"""Writes for the organization tree and the work calendar (the member register's import is in
``recruitment.members``)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from .errors import DomainError
from .models import ORG_CODE_PATTERN, Organization, OrgLevel, Sector, WorkCalendarDay
from .tabular import Table, parse_date

ORG_IMPORT_HEADER = ["编码", "名称", "上级编码", "层级", "领域", "成立日期"]
# Optional columns after the header above: a file without them imports exactly as before (and leaves
# the fields alone); with them, an empty cell clears the field like the other columns.
LAST_RECRUIT_COLUMN = "最近发展党员日期"
ORG_IMPORT_OPTIONAL = [LAST_RECRUIT_COLUMN]
ORG_EXPORT_HEADER = ORG_IMPORT_HEADER + ORG_IMPORT_OPTIONAL


@dataclass
class RowError:
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"第 {self.row} 行【{self.field}】{self.message}"


@dataclass
class OrgImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _OrgRow:
    row: int
    code: str
    name: str
    parent_code: str
    level: str
    sector: str
    founded_on: dt.date | None
    last_recruit_on: dt.date | None = None


def _validate_org_rows(table: Table, *, today: dt.date) -> tuple[list[_OrgRow], list[RowError]]:
    errors: list[RowError] = []
    has_last_recruit = LAST_RECRUIT_COLUMN in table.header
    parsed: list[_OrgRow] = []
    seen: dict[str, int] = {}
    for rownum, cells in table.rows:
        row_errors: list[RowError] = []
        code = str(cells.get("编码", "")).strip()
        name = str(cells.get("名称", "")).strip()
        parent_code = str(cells.get("上级编码", "")).strip()
        level = str(cells.get("层级", "")).strip()
        sector = str(cells.get("领域", "")).strip()
        if not code:
            row_errors.append(RowError(rownum, "编码", "不能为空"))
        elif len(code) > 50:
            row_errors.append(RowError(rownum, "编码", "不能超过 50 个字符"))
        elif not re.match(ORG_CODE_PATTERN, code):
            row_errors.append(RowError(rownum, "编码", f"只能包含字母、数字、“-”和“_”：{code}"))
        elif code in seen:
            row_errors.append(RowError(rownum, "编码", f"与第 {seen[code]} 行重复：{code}"))
        if not name:
            row_errors.append(RowError(rownum, "名称", "不能为空"))
        if level not in OrgLevel.values:
            row_errors.append(RowError(rownum, "层级", f"应为 {'/'.join(OrgLevel.values)} 之一：{level or '（空）'}"))
        if sector and sector not in Sector.values:
            row_errors.append(RowError(rownum, "领域", f"应为 {'/'.join(Sector.values)} 之一：{sector}"))
        if level == OrgLevel.BRANCH and not sector:
            row_errors.append(RowError(rownum, "领域", "党支部必须填写领域"))
        if parent_code and parent_code == code:
            row_errors.append(RowError(rownum, "上级编码", "不能是自身"))
        try:
            founded_on = parse_date(cells.get("成立日期", ""))
        except ValueError as exc:
            founded_on = None
            row_errors.append(RowError(rownum, "成立日期", str(exc)))
        last_recruit_on = None
        if has_last_recruit:
            last_recruit_on = _last_recruit_on(cells, rownum, level, founded_on, today, row_errors)
        if code and code not in seen:
            seen[code] = rownum
        errors += row_errors
        if not row_errors:
            parsed.append(_OrgRow(rownum, code, name, parent_code, level, sector, founded_on, last_recruit_on))
    return parsed, errors


def _last_recruit_on(
    cells: dict, rownum: int, level: str, founded_on: dt.date | None, today: dt.date, errors: list[RowError]
) -> dt.date | None:
    """最近发展党员日期 (go-live history for the stale scan): a date, not in the future, not before the
    founding date, on a 党支部 only (the scan judges branches)."""
    column = LAST_RECRUIT_COLUMN
    try:
        value = parse_date(cells.get(column, ""))
    except ValueError as exc:
        errors.append(RowError(rownum, column, str(exc)))
        return None
    if value is None:
        return None
    if value > today:
        errors.append(RowError(rownum, column, f"不能晚于今天（{today:%Y-%m-%d}）：{value:%Y-%m-%d}"))
    if founded_on and value < founded_on:
        errors.append(RowError(rownum, column, f"不能早于成立日期 {founded_on:%Y-%m-%d}：{value:%Y-%m-%d}"))
    if level in OrgLevel.values and level != OrgLevel.BRANCH:
        errors.append(RowError(rownum, column, f"只有党支部填写（本行层级为{level}）"))
    return value


def _order_parents_first(rows: list[_OrgRow], existing_codes: set[str]) -> tuple[list[_OrgRow], list[RowError]]:
    """Order rows so each parent precedes its children; report unknown parents and cycles."""
    by_code = {r.code: r for r in rows}
    errors: list[RowError] = []
    ordered: list[_OrgRow] = []
    state: dict[str, str] = {}  # code -> "visiting" | "done" | "bad"

    def visit(row: _OrgRow, trail: list[str]) -> bool:
        mark = state.get(row.code)
        if mark == "done":
            return True
        if mark == "bad":
            return False
        if mark == "visiting":
            errors.append(RowError(row.row, "上级编码", f"上下级关系形成循环：{' → '.join(trail + [row.code])}"))
            state[row.code] = "bad"
            return False
        state[row.code] = "visiting"
        ok = True
        if row.parent_code:
            parent = by_code.get(row.parent_code)
            if parent is not None:
                ok = visit(parent, trail + [row.code])
                if not ok:
                    errors.append(RowError(row.row, "上级编码", f"上级组织 {row.parent_code} 所在行有错误"))
            elif row.parent_code not in existing_codes:
                errors.append(RowError(row.row, "上级编码", f"找不到上级组织：{row.parent_code}"))
                ok = False
        state[row.code] = "done" if ok else "bad"
        if ok:
            ordered.append(row)
        return ok

    for r in rows:
        visit(r, [])
    # A cycle marks several rows; report each row at most once per reason.
    unique = {(e.row, e.field, e.message): e for e in errors}
    return ordered, sorted(unique.values(), key=lambda e: e.row)


def organizations_import(
    *, table: Table, actor=None, dry_run: bool = False, today: dt.date | None = None
) -> OrgImportResult:
    """Create or update organizations by 编码. All or nothing: any bad row → nothing is written.
    The optional column 最近发展党员日期 is written only when the file has it."""
    result = OrgImportResult(dry_run=dry_run)
    rows, errors = _validate_org_rows(table, today=today or timezone.localdate())
    referenced = {r.parent_code for r in rows if r.parent_code} | {r.code for r in rows}
    existing = {o.code: o for o in Organization.objects.filter(code__in=referenced)}
    ordered, order_errors = _order_parents_first(rows, set(existing))
    result.errors = sorted(errors + order_errors, key=lambda e: (e.row, e.field))
    if result.errors:
        return result
    with transaction.atomic():
        for r in ordered:
            parent = existing.get(r.parent_code) if r.parent_code else None
            org = existing.get(r.code)
            values = {"name": r.name, "level": r.level, "sector": r.sector, "founded_on": r.founded_on}
            if LAST_RECRUIT_COLUMN in table.header:
                values["last_recruit_on"] = r.last_recruit_on
            if org is None:
                org = Organization(code=r.code, parent=parent, **values)
                result.created += 1
            else:
                changed = org.parent_id != (parent.pk if parent else None) or any(
                    getattr(org, k) != v for k, v in values.items()
                )
                if not changed:
                    result.unchanged += 1
                    continue
                if parent is not None and parent.path.startswith(org.path):
                    result.errors.append(RowError(r.row, "上级编码", f"不能把组织移到自己的下级 {r.parent_code} 之下"))
                    continue
                for k, v in values.items():
                    setattr(org, k, v)
                org.parent = parent
                result.updated += 1
            org._history_user = actor
            org.save()
            existing[r.code] = org
        if result.errors or dry_run:
            transaction.set_rollback(True)
            if result.errors:
                result.created = result.updated = result.unchanged = 0
    return result


# --- the work calendar (工作日历): the department's exceptions to the Monday–Friday week -------------
WEEKDAYS = "一二三四五六日"
HOLIDAY_RANGE_MAX_DAYS = 31


def weekday_label(day: dt.date) -> str:
    return f"星期{WEEKDAYS[day.weekday()]}"


def _require_department(actor) -> None:
    from .scope import DEPARTMENT_ROLES

    if actor is not None and not actor.has_role(*DEPARTMENT_ROLES):
        raise DomainError.single("CALENDAR", "只有组织部工作人员可以维护工作日历")


def _check_exception(day: dt.date, is_workday: bool) -> None:
    """An entry is an exception to Monday–Friday: a holiday on a weekday or a 调休 weekend working day."""
    weekend = day.weekday() >= 5
    if is_workday and not weekend:
        raise DomainError.single(
            "CALENDAR", f"{day:%Y-%m-%d} 是{weekday_label(day)}，本来就是工作日；调休上班只登记周六、周日", field="date"
        )
    if not is_workday and weekend:
        raise DomainError.single(
            "CALENDAR", f"{day:%Y-%m-%d} 是{weekday_label(day)}，本来就不上班，无需登记为放假", field="date"
        )


@transaction.atomic
def calendar_day_add(*, day: dt.date, is_workday: bool, note: str = "", actor=None) -> WorkCalendarDay:
    """Enter one exception: 放假 on a weekday or 调休上班 on a weekend day (attributed, in the history)."""
    _require_department(actor)
    _check_exception(day, is_workday)
    existing = WorkCalendarDay.objects.select_for_update().filter(date=day).first()
    if existing is not None:
        raise DomainError.single(
            "CALENDAR",
            f"{day:%Y-%m-%d} 已登记为{'调休上班' if existing.is_workday else '放假'}"
            f"{f'（{existing.note}）' if existing.note else ''}；如需修改请先删除",
            field="date",
        )
    entry = WorkCalendarDay(date=day, is_workday=is_workday, note=note.strip()[:50], created_by=actor)
    entry._history_user = actor
    entry.save()
    return entry


@transaction.atomic
def calendar_holidays_add(*, start: dt.date, end: dt.date, note: str = "", actor=None) -> tuple[int, int]:
    """A holiday period (e.g. 国庆节 10-01 to 10-07): every weekday from ``start`` to ``end`` becomes 放假
    (weekends are not working days anyway). Weekdays already entered as 放假 stay as they are; a
    调休上班 entry inside the period is a contradiction and refuses the whole period.
    Returns (days added, weekdays already entered)."""
    _require_department(actor)
    if end < start:
        raise DomainError.single("CALENDAR", "结束日期不能早于开始日期", field="end")
    days = (end - start).days + 1
    if days > HOLIDAY_RANGE_MAX_DAYS:
        raise DomainError.single(
            "CALENDAR", f"一次最多登记 {HOLIDAY_RANGE_MAX_DAYS} 天（当前 {days} 天），请分段登记", field="end"
        )
    existing = {e.date: e for e in WorkCalendarDay.objects.select_for_update().filter(date__range=(start, end))}
    workdays = [d for d, e in sorted(existing.items()) if e.is_workday]
    if workdays:
        shown = "、".join(f"{d:%Y-%m-%d}" for d in workdays)
        raise DomainError.single("CALENDAR", f"期间内已登记调休上班：{shown}；请先删除或调整日期范围", field="end")
    note = note.strip()[:50]
    added = 0
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        if day.weekday() >= 5 or day in existing:
            continue
        entry = WorkCalendarDay(date=day, is_workday=False, note=note, created_by=actor)
        entry._history_user = actor
        entry.save()
        added += 1
    if not added and not existing:
        raise DomainError.single("CALENDAR", "所选期间都是周六、周日，本来就不上班，无需登记", field="start")
    return added, len(existing)


@transaction.atomic
def calendar_day_remove(*, entry: WorkCalendarDay, actor=None) -> None:
    """Remove an entry: it is configuration, so it is deleted; the history keeps who removed what."""
    _require_department(actor)
    entry = WorkCalendarDay.objects.select_for_update().get(pk=entry.pk)
    entry._history_user = actor
    entry.delete()
