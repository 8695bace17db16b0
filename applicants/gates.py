"""R1–R15: the 细则 rules checked at each step. Thresholds come from the rule's params."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from recruitment.dates import add_months, add_years, age_on
from recruitment.errors import Violation

from .rulebook import Context, register


def _step_date(ctx: Context, number: int) -> dt.date | None:
    """Date of a completed step: from facts (import) or the database."""
    dates = ctx.facts.get("step_dates")
    if dates is not None:
        return dates.get(number)
    a = ctx.applicant
    direct = {
        1: "applied_on",
        2: "talked_on",
        3: "activist_on",
        7: "candidate_on",
        15: "branch_meeting_on",
        17: "admitted_on",
        23: "conversion_meeting_on",
        24: "converted_on",
    }
    if number in direct and getattr(a, direct[number], None):
        return getattr(a, direct[number])
    if not a.pk:
        return None
    return a.steps.filter(step=number).values_list("date", flat=True).first()


# --- R1 age ---------------------------------------------------------------------------------------
@register("R1", points=[1])
def r1_age(ctx: Context, p: dict):
    min_age = int(p.get("min_age", 18))
    birth = ctx.applicant.birth_date
    if birth and age_on(birth, ctx.date) < min_age:
        turns = add_years(birth, min_age)
        yield Violation(
            "R1",
            f"申请入党须年满{min_age}周岁；{ctx.date:%Y-%m-%d}时{age_on(birth, ctx.date)}岁，"
            f"{turns:%Y-%m-%d}年满{min_age}周岁，还差 {(turns - ctx.date).days} 天",
            field="申请入党日期",
        )


# --- R2 talk within a month ------------------------------------------------------------------------
@register("R2", points=[2])
def r2_talk(ctx: Context, p: dict):
    applied = _step_date(ctx, 1)
    if not applied:
        return
    months = int(p.get("months", 1))
    due = add_months(applied, months)
    if ctx.date > due:
        yield Violation(
            "R2",
            f"应在收到入党申请书后{months}个月内（{due:%Y-%m-%d}前）派人谈话，已超期 {(ctx.date - due).days} 天",
            kind="warn",
            field="谈话日期",
        )


# --- R3 order and dates ----------------------------------------------------------------------------
@register("R3", points=range(1, 26))
def r3_order(ctx: Context, p: dict):
    number = ctx.point
    current = ctx.facts.get("current_step", getattr(ctx.applicant, "current_step", 0))
    if number != current + 1:
        if number <= current:
            yield Violation("R3", f"第{number}步已经完成，不能重复办理")
        else:
            from .steps import get_step

            yield Violation(
                "R3", f"须按程序先完成第{current + 1}步“{get_step(current + 1).name}”，才能办理第{number}步"
            )
        return
    previous = ctx.facts.get("previous_date", getattr(ctx.applicant, "last_step_on", None))
    if previous and ctx.date < previous:
        yield Violation("R3", f"日期 {ctx.date:%Y-%m-%d} 早于上一步骤日期 {previous:%Y-%m-%d}", field="date")
    today = ctx.today
    if today and ctx.date > today:
        yield Violation("R3", f"日期 {ctx.date:%Y-%m-%d} 晚于今天，不能预先登记", field="date")


# --- R4 contacts -----------------------------------------------------------------------------------
@register("R4", points=[5])
def r4_contacts(ctx: Context, p: dict):
    members = ctx.data.get("contacts") or []
    low, high = int(p.get("min", 1)), int(p.get("max", 2))
    if not low <= len(members) <= high:
        yield Violation("R4", f"应指定{low}至{high}名培养联系人，当前 {len(members)} 名", field="contacts")
    for m in members:
        if m.status != "正式党员" or not m.is_active:
            yield Violation(
                "R4", f"培养联系人须为正式党员：{m.name}是{m.status if m.is_active else '不在册人员'}", field="contacts"
            )


# --- R5 half-yearly assessments -------------------------------------------------------------------
def missing_assessments(since: dt.date, until: dt.date, dates: list[dt.date], months: int = 6) -> list[dt.date]:
    """Ends of each full half-year since ``since`` up to ``until`` that have no assessment in them."""
    missing, start, k = [], since, 1
    while True:
        end = add_months(since, months * k)
        if end > until:
            return missing
        if not any(start < d <= end for d in dates):
            missing.append(end)
        start, k = end, k + 1


@register("R5", points=[7, 22])
def r5_assessments(ctx: Context, p: dict):
    months = int(p.get("months", 6))
    since = _step_date(ctx, 3) if ctx.point == 7 else _step_date(ctx, 15)
    if not since:
        return
    dates = ctx.facts.get("assessment_dates")
    if dates is None:
        dates = list(ctx.applicant.assessments.values_list("date", flat=True)) if ctx.applicant.pk else []
    gaps = missing_assessments(since, ctx.date, dates, months)
    if gaps:
        yield Violation(
            "R5",
            f"应每半年考察一次，缺少 {len(gaps)} 次（截至 {', '.join(f'{g:%Y-%m-%d}' for g in gaps)} 的半年）",
            kind="warn",
        )


# --- R6 one year as activist ------------------------------------------------------------------------
@register("R6", points=[7])
def r6_one_year(ctx: Context, p: dict):
    activist_on = _step_date(ctx, 3)
    if not activist_on:
        return
    years = int(p.get("years", 1))
    earliest = add_years(activist_on, years)
    if ctx.date < earliest:
        yield Violation(
            "R6",
            f"须经{years}年以上培养考察（{activist_on:%Y-%m-%d}确定为积极分子，{earliest:%Y-%m-%d}起方可确定为发展对象），"
            f"还差 {(earliest - ctx.date).days} 天",
            field="确定发展对象日期",
        )


# --- R7 introducers ---------------------------------------------------------------------------------
@register("R7", points=[9])
def r7_introducers(ctx: Context, p: dict):
    members = ctx.data.get("introducers") or []
    count = int(p.get("count", 2))
    if len(members) != count or len({m.pk for m in members}) != len(members):
        yield Violation(
            "R7", f"须有{count}名不同的入党介绍人，当前 {len({m.pk for m in members})} 名", field="introducers"
        )
    for m in members:
        if m.status != "正式党员" or not m.is_active:
            yield Violation(
                "R7",
                f"入党介绍人须为正式党员：{m.name}是{m.status if m.is_active else '不在册人员'}",
                field="introducers",
            )
        if m.under_probation_watch:
            yield Violation(
                "R7", f"受留党察看处分、尚未恢复党员权利的党员不能作入党介绍人：{m.name}", field="introducers"
            )


# --- R8 political review -----------------------------------------------------------------------------
@register("R8", points=[10, 11, 12])
def r8_political_review(ctx: Context, p: dict):
    if ctx.point == 10:
        if not (ctx.data.get("conclusion") or "").strip():
            yield Violation("R8", "政治审查必须形成书面结论", field="conclusion")
        if ctx.data.get("verdict") not in {"合格", "不合格"}:
            yield Violation("R8", "请选择政治审查结论：合格或不合格", field="verdict")
        return
    verdict = ctx.facts.get("political_verdict")
    if verdict is None and ctx.applicant.pk:
        rec = ctx.applicant.steps.filter(step=10).values_list("data", flat=True).first()
        verdict = (rec or {}).get("verdict")
    if verdict is not None and verdict != "合格":
        yield Violation("R8", "政治审查结论为不合格，不能继续发展")


# --- R9 training --------------------------------------------------------------------------------------
@register("R9", points=[12])
def r9_training(ctx: Context, p: dict):
    min_days, min_hours = Decimal(str(p.get("min_days", 3))), Decimal(str(p.get("min_hours", 24)))
    if "training_hours" in ctx.facts or "training_days" in ctx.facts:
        days = Decimal(str(ctx.facts.get("training_days") or 0))
        hours = Decimal(str(ctx.facts.get("training_hours") or 0))
        exception = ctx.facts.get("training_exception", "")
    else:
        a = ctx.applicant
        days, hours = Decimal(a.training_days_carried or 0), Decimal(a.training_hours_carried or 0)
        exception = ""
        if a.pk:
            from django.db.models import Sum

            totals = a.trainings.aggregate(d=Sum("days"), h=Sum("hours"))
            days += totals["d"] or 0
            hours += totals["h"] or 0
            rec = a.steps.filter(step=11).values_list("data", flat=True).first()
            exception = (rec or {}).get("exception_reason", "")
    if days >= min_days or hours >= min_hours:
        return
    if (exception or "").strip():
        yield Violation("R9", f"集中培训不足（{days:g} 天 / {hours:g} 学时），已记录例外原因：{exception}", kind="warn")
        return
    yield Violation(
        "R9",
        f"支部委员会审查前须参加集中培训不少于{min_days:g}天或{min_hours:g}学时，"
        f"当前 {days:g} 天 / {hours:g} 学时，还差 {max(Decimal(0), min_hours - hours):g} 学时",
        field="集中培训学时",
    )


# --- R10 leaving the unit soon --------------------------------------------------------------------------
@register("R10", points=[15])
def r10_leaving(ctx: Context, p: dict):
    if ctx.data.get("leaving_unit_soon"):
        yield Violation("R10", "发展对象在三个月内将离开工作、学习单位的，一般不办理接收手续", kind="warn")


# --- R11 branch meeting votes ------------------------------------------------------------------------
@register("R11", points=[15, 23])
def r11_votes(ctx: Context, p: dict):
    d = ctx.data
    try:
        expected = int(d.get("expected_voters"))
        attending = int(d.get("attending_voters"))
        yes = int(d.get("yes_votes"))
        no = int(d.get("no_votes") or 0)
        abstain = int(d.get("abstentions") or 0)
    except (TypeError, ValueError):
        yield Violation("R11", "请填写应到会、实到会有表决权的正式党员人数和赞成票数", field="expected_voters")
        return
    if expected <= 0 or attending < 0 or yes < 0 or no < 0 or abstain < 0:
        yield Violation("R11", "人数和票数不能为负，应到会人数须大于 0", field="expected_voters")
        return
    if attending > expected:
        yield Violation("R11", f"实到会人数 {attending} 不能多于应到会人数 {expected}", field="attending_voters")
    if yes + no + abstain > attending:
        yield Violation(
            "R11", f"赞成、反对、弃权合计 {yes + no + abstain} 票，多于实到会 {attending} 人", field="yes_votes"
        )
    if attending * 2 <= expected:
        yield Violation(
            "R11",
            f"有表决权的到会人数须超过应到会人数的半数：应到 {expected} 人，实到 {attending} 人，"
            f"至少需 {expected // 2 + 1} 人",
            field="attending_voters",
        )
    if yes * 2 <= expected:
        yield Violation(
            "R11",
            f"赞成人数须超过应到会有表决权的正式党员的半数：应到 {expected} 人，赞成 {yes} 票，"
            f"至少需 {expected // 2 + 1} 票",
            field="yes_votes",
        )


# --- R12 approval within 3 (at most 6) months -------------------------------------------------------
@register("R12", points=[17, 24])
def r12_approval_time(ctx: Context, p: dict):
    meeting = _step_date(ctx, 15 if ctx.point == 17 else 23)
    if not meeting:
        return
    normal, maximum = int(p.get("months", 3)), int(p.get("max_months", 6))
    if ctx.date > add_months(meeting, maximum):
        yield Violation(
            "R12",
            f"上级党委审批最长不得超过{maximum}个月（支部大会 {meeting:%Y-%m-%d}，期限 {add_months(meeting, maximum):%Y-%m-%d}），"
            f"已超出 {(ctx.date - add_months(meeting, maximum)).days} 天",
            field="上级党委审批日期",
        )
    elif ctx.date > add_months(meeting, normal):
        reason = (ctx.data.get("special_reason") or "").strip()
        yield Violation(
            "R12",
            f"应在支部大会后{normal}个月内审批（期限 {add_months(meeting, normal):%Y-%m-%d}），已超期 "
            f"{(ctx.date - add_months(meeting, normal)).days} 天；"
            + (f"特殊原因：{reason}" if reason else "须记录特殊原因"),
            kind="warn",
        )


# --- R13 probation ------------------------------------------------------------------------------------
@register("R13", points=[23])
def r13_probation(ctx: Context, p: dict):
    if ctx.data.get("decision") != "延长预备期":
        return
    low, high = int(p.get("min_extension_months", 6)), int(p.get("max_extension_months", 12))
    if getattr(ctx.applicant, "probation_extended", False):
        yield Violation("R13", "预备期只能延长一次，已延长过，不能再次延长", field="decision")
    try:
        months = int(ctx.data.get("extension_months"))
    except (TypeError, ValueError):
        months = 0
    if not low <= months <= high:
        yield Violation(
            "R13",
            f"延长预备期为{low}至{high}个月，当前 {f'{months} 个月' if months else '未填写'}",
            field="extension_months",
        )


# --- R14 conversion not before probation end ------------------------------------------------------------
@register("R14", points=[23])
def r14_conversion_date(ctx: Context, p: dict):
    end = ctx.facts.get("probation_end", getattr(ctx.applicant, "probation_end", None))
    if end is None:
        meeting = _step_date(ctx, 15)
        end = add_years(meeting, 1) if meeting else None
    if end and ctx.date < end and ctx.data.get("decision") != "取消预备党员资格":
        yield Violation(
            "R14",
            f"预备期 {end:%Y-%m-%d} 期满后方可讨论转正，还差 {(end - ctx.date).days} 天",
            field="转正支部大会日期",
        )
