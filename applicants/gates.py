"""R1–R15: the 细则 rules checked at each step. Thresholds come from the rule's params."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from recruitment.dates import add_months, add_years, age_on
from recruitment.errors import Violation

from . import steps as S
from .rulebook import Context, register
from .steps import get_step


def _step_date(ctx: Context, number: int) -> dt.date | None:
    """Date of a completed step: from facts (import) or the database."""
    dates = ctx.facts.get("step_dates")
    if dates is not None:
        return dates.get(number)
    a = ctx.applicant
    sets = get_step(number).sets
    if sets and getattr(a, sets, None):
        return getattr(a, sets)
    if not a.pk:
        return None
    return a.steps.filter(step=number).values_list("date", flat=True).first()


# --- R1 age ---------------------------------------------------------------------------------------
@register("R1", points=[S.APPLICATION])
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
@register("R2", points=[S.TALK], trigger=lambda ctx: _step_date(ctx, S.APPLICATION))
def r2_talk(ctx: Context, p: dict):
    applied = _step_date(ctx, S.APPLICATION)
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
@register("R3", points=[s.number for s in S.STEPS])
def r3_order(ctx: Context, p: dict):
    number = ctx.point
    current = ctx.facts.get("current_step", getattr(ctx.applicant, "current_step", 0))
    if number != current + 1:
        if number <= current:
            yield Violation("R3", f"第{number}步已经完成，不能重复办理")
        else:
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
@register("R4", points=[S.CONTACTS])
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


@register("R5", points=[S.CANDIDATE, S.CONVERSION_REQUEST])
def r5_assessments(ctx: Context, p: dict):
    months = int(p.get("months", 6))
    since = _step_date(ctx, S.ACTIVIST if ctx.point == S.CANDIDATE else S.BRANCH_MEETING)
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
@register("R6", points=[S.CANDIDATE])
def r6_one_year(ctx: Context, p: dict):
    activist_on = _step_date(ctx, S.ACTIVIST)
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
@register("R7", points=[S.INTRODUCERS])
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
        watched = m.under_probation_watch or any(
            x.kind == "留党察看" and x.in_force_on(ctx.date) for x in _penalties(m)
        )
        if watched:
            yield Violation(
                "R7", f"受留党察看处分、尚未恢复党员权利的党员不能作入党介绍人：{m.name}", field="introducers"
            )


def _penalties(member) -> list:
    return list(member.penalties.all()) if getattr(member, "pk", None) else []


@register("R7B", points=[S.INTRODUCERS])
def r7b_introducer_penalty(ctx: Context, p: dict):
    """细则（2026）第十四条: within the 影响期 of 警告, 严重警告 or 撤销党内职务 a member 不宜 introduce."""
    for m in ctx.data.get("introducers") or []:
        for x in _penalties(m):
            if x.kind in ("警告", "严重警告", "撤销党内职务") and x.in_force_on(ctx.date):
                until = f"，影响期至 {x.influence_until:%Y-%m-%d}" if x.influence_until else ""
                yield Violation("R7B", f"{m.name}受{x.kind}处分（{x.decided_on:%Y-%m-%d}{until}），在影响期内不宜作入党介绍人",
                                kind="warn", field="introducers")  # fmt: skip


# --- R8 political review -----------------------------------------------------------------------------
@register("R8", points=[S.POLITICAL_REVIEW, S.TRAINING, S.BRANCH_COMMITTEE_REVIEW])
def r8_political_review(ctx: Context, p: dict):
    if ctx.point == S.POLITICAL_REVIEW:
        if not (ctx.data.get("conclusion") or "").strip():
            yield Violation("R8", "政治审查必须形成书面结论", field="conclusion")
        if ctx.data.get("verdict") not in {"合格", "不合格"}:
            yield Violation("R8", "请选择政治审查结论：合格或不合格", field="verdict")
        return
    verdict = ctx.facts.get("political_verdict")
    if verdict is None and ctx.applicant.pk:
        rec = ctx.applicant.steps.filter(step=S.POLITICAL_REVIEW).values_list("data", flat=True).first()
        verdict = (rec or {}).get("verdict")
    if verdict is not None and verdict != "合格":
        yield Violation("R8", "政治审查结论为不合格，不能继续发展")


# --- R9 training --------------------------------------------------------------------------------------
@register("R9", points=[S.BRANCH_COMMITTEE_REVIEW])
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
            rec = a.steps.filter(step=S.TRAINING).values_list("data", flat=True).first()
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
@register("R10", points=[S.BRANCH_MEETING])
def r10_leaving(ctx: Context, p: dict):
    if ctx.data.get("leaving_unit_soon"):
        yield Violation("R10", "发展对象在三个月内将离开工作、学习单位的，一般不办理接收手续", kind="warn")


# --- R11 branch meeting votes ------------------------------------------------------------------------
@register("R11", points=[S.BRANCH_MEETING, S.CONVERSION_MEETING])
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
    written_yes, written_no = int(d.get("written_yes") or 0), int(d.get("written_no") or 0)
    if written_yes + written_no > expected - attending:
        yield Violation("R11", f"会前书面意见 {written_yes + written_no} 份，多于未到会的有表决权党员 "
                               f"{expected - attending} 人", field="written_yes")  # fmt: skip
    votes_for = yes + written_yes  # written opinions handed in before the meeting count among the votes
    if votes_for * 2 <= expected:
        counted = f"赞成 {yes} 票" + (f"、会前书面意见赞成 {written_yes} 份" if written_yes else "")
        yield Violation("R11", f"赞成人数须超过应到会有表决权的正式党员的半数：应到 {expected} 人，{counted}，"
                               f"至少需 {expected // 2 + 1} 票", field="yes_votes")  # fmt: skip
    if int(d.get("excluded") or 0) and not (d.get("excluded_reason") or "").strip():
        yield Violation("R11", "有党员不计入应到会人数的，须写明是谁、属于哪一类情形（经上级党委同意、党员大会表决）",
                        field="excluded_reason")  # fmt: skip
    method = d.get("vote_method") or "无记名投票"
    if p.get("secret_ballot") and method != "无记名投票":
        yield Violation("R11", f"须采取无记名投票方式表决，不能{method}", field="vote_method")


# --- R12 approval within 3 (at most 6) months -------------------------------------------------------
@register("R12", points=[S.APPROVAL, S.CONVERSION], trigger=lambda ctx: _step_date(ctx, ctx.step.approves))
def r12_approval_time(ctx: Context, p: dict):
    meeting = _step_date(ctx, ctx.step.approves)
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
        late = f"应在支部大会后{normal}个月内审批（期限 {add_months(meeting, normal):%Y-%m-%d}），已超期 " \
            f"{(ctx.date - add_months(meeting, normal)).days} 天"  # fmt: skip
        if ctx.point == S.CONVERSION:  # the text allows no extension for conversion (2014 art. 34, 2026 art. 33)
            yield Violation("R12", f"{late}；细则对转正审批未规定延长，请尽快审批", kind="warn")
        elif not (ctx.data.get("special_reason") or "").strip():
            yield Violation("R12", f"{late}；因特殊情况延长审批的，须记录特殊原因", kind="warn", field="special_reason")


# --- R13 probation ------------------------------------------------------------------------------------
@register("R13", points=[S.CONVERSION_MEETING])
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
@register("R14", points=[S.CONVERSION_MEETING])
def r14_conversion_date(ctx: Context, p: dict):
    end = ctx.facts.get("probation_end", getattr(ctx.applicant, "probation_end", None))
    if end is None:
        meeting = _step_date(ctx, S.BRANCH_MEETING)
        end = add_years(meeting, 1) if meeting else None
    if end and ctx.date < end and ctx.data.get("decision") != "取消预备党员资格":
        yield Violation(
            "R14",
            f"预备期 {end:%Y-%m-%d} 期满后方可讨论转正，还差 {(end - ctx.date).days} 天",
            field="转正支部大会日期",
        )


# --- R21 the committee's collective decision -------------------------------------------------------------
def _committee_votes(ctx: Context) -> tuple[int | None, int | None, int | None]:
    d = ctx.data
    return d.get("expected"), d.get("attending"), d.get("yes")


@register("R21", points=[S.APPROVAL, S.CONVERSION])
def r21_committee_vote(ctx: Context, p: dict):
    """党委审批 is a collective decision of a 党委会议: more than half of the members present, approval by
    yes votes of more than half of the members expected; the numbers are recorded with the decision."""
    expected, attending, yes = _committee_votes(ctx)
    if expected is None or attending is None or (yes is None and ctx.step.outcome_for(ctx.data) is None):
        if ctx.facts.get("from_ledger"):  # the 台账 row has no committee vote columns
            if ctx.rule is not None and ctx.rule.version == "2026":
                yield Violation("R21", "台账未填写党委会表决人数（党委应到会委员数、实到会委员数、同意票数），未能核对集体讨论表决",
                                kind="warn")  # fmt: skip
            return
        yield Violation(
            "R21", "党委审批须集体讨论、逐个表决：请填写党委会应到会委员数、实到会委员数和同意票数", field="expected"
        )
        return
    if expected <= 0:
        yield Violation("R21", "应到会委员数须大于 0", field="expected")
        return
    if attending * 2 <= expected:
        yield Violation("R21", f"党委会到会委员须超过应到会委员的半数：应到 {expected} 人，实到 {attending} 人，"
                               f"至少需 {expected // 2 + 1} 人", field="attending")  # fmt: skip
    if ctx.step.outcome_for(ctx.data) is None and (yes or 0) * 2 <= expected:
        yield Violation("R21", f"批准须经超过应到会委员半数的同意：应到 {expected} 人，同意 {yes or 0} 票，"
                               f"至少需 {expected // 2 + 1} 票", field="yes")  # fmt: skip


# --- R22 probation steps keep their place in the year ---------------------------------------------------
@register("R22", points=[S.PROBATION_EDUCATION, S.CONVERSION_REQUEST])
def r22_probation_steps(ctx: Context, p: dict):
    a = ctx.applicant
    if ctx.point == S.PROBATION_EDUCATION:
        since = _step_date(ctx, S.APPROVAL)
        dates = ctx.facts.get("assessment_dates")
        if dates is None:
            dates = list(a.assessments.values_list("date", flat=True)) if a.pk else []
        if since and not any(since <= d <= ctx.date for d in dates):
            yield Violation(
                "R22", "继续教育考察应有对预备党员的考察记录（每半年至少一次），批准以来尚无考察记录", kind="warn"
            )
        return
    end = ctx.facts.get("probation_end", getattr(a, "probation_end", None))
    if end is None:
        return
    months = int(p.get("request_months_before_end", 1))
    earliest = add_months(end, -months)
    if ctx.date < earliest:
        yield Violation("R22", f"转正申请在预备期满时提出（预备期至 {end:%Y-%m-%d}，{earliest:%Y-%m-%d}起可提出），"
                               f"还差 {(earliest - ctx.date).days} 天", field="date")  # fmt: skip


# --- R23 the archive is complete before it is filed -------------------------------------------------------
@register("R23", points=[S.ARCHIVE])
def r23_archive_complete(ctx: Context, p: dict):
    a = ctx.applicant
    if not a.pk:
        return
    from .models import ArchiveExemption, Material

    required = list(p.get("required") or [])
    present = set(Material.objects.filter(applicant=a, withdrawn_at__isnull=True).values_list("kind", flat=True))
    exempt = set(ArchiveExemption.objects.filter(applicant=a).values_list("kind", flat=True))
    missing = [k for k in required if k not in present and k not in exempt]
    if missing:
        yield Violation("R23", f"档案材料不齐，缺：{'、'.join(missing)}；请在“档案”中上传，或逐项记录免交理由后再归档")


# --- R24 identity changes re-judge the recorded steps ---------------------------------------------------
def identity_change_violations(a, *, birth_date: dt.date, ruleset) -> list[Violation]:
    """R1 re-judged with a new birth date against the recorded application (R24): the violations the
    change would cause. Used by the edit page and the ledger re-import."""
    from .rulebook import evaluate

    if not a.applied_on:
        return []
    old = a.birth_date
    a.birth_date = birth_date
    try:
        judged = evaluate(Context(applicant=a, point=S.APPLICATION, date=a.applied_on), ruleset, only=("R1",))
    finally:
        a.birth_date = old
    return [
        Violation(
            "R24", f"修改后的出生日期使已登记的第{S.APPLICATION}步不再符合规定（{v}），不能保存", field="birth_date"
        )
        for v in judged.errors
    ]


# --- R25, R26 (细则2026第十三条): consent, then a 公示 of at least five working days ----------------------
def latest_consent(ctx: Context):
    """The committee's latest consent decision on or before the act's date (facts: the ledger's column)."""
    if "consent" in ctx.facts:
        return ctx.facts["consent"]
    a = ctx.applicant
    if not a.pk:
        return None
    return a.consents.filter(date__lte=ctx.date).order_by("-date", "-id").select_related("actor").first()


def _latest_publicity(ctx: Context, stage: str):
    if "publicity" in ctx.facts:
        return ctx.facts["publicity"]
    a = ctx.applicant
    if not a.pk:
        return None
    return a.publicities.filter(stage=stage, end__lte=ctx.date).order_by("-end", "-id").first()


@register("R26", points=[S.CANDIDATE])
def r26_consent_before_listing(ctx: Context, p: dict):
    consent = latest_consent(ctx)
    if consent is None:
        if ctx.facts.get("from_ledger"):
            yield Violation("R26", "台账未填写上级党委同意日期，未能核对确定发展对象前的上级党委同意", kind="warn")
            return
        yield Violation(
            "R26", "拟列为发展对象须经党支部委员会会议研究并报上级党委同意，尚无上级党委同意记录", field="consent"
        )
    elif consent.verdict != "同意":
        yield Violation("R26", f"上级党委于{consent.date:%Y-%m-%d}不同意列为发展对象"
                               f"{('：' + consent.reason) if getattr(consent, 'reason', '') else ''}", field="consent")  # fmt: skip


@register("R25", points=[S.CANDIDATE])
def r25_publicity(ctx: Context, p: dict):
    from recruitment.calendar import working_days

    publicity = _latest_publicity(ctx, "candidate")
    if publicity is None:
        if ctx.facts.get("from_ledger"):
            yield Violation("R25", "台账未填写发展对象公示起止日期，未能核对公示期", kind="warn")
            return
        yield Violation("R25", "确定发展对象前须在工作、学习单位或者居住地公示，尚无公示记录", field="publicity")
        return
    need = int(p.get("working_days", 5))
    days = working_days(publicity.start, publicity.end)
    if days.count < need:
        yield Violation("R25", f"公示期不少于{need}个工作日：{publicity.start:%Y-%m-%d}至{publicity.end:%Y-%m-%d}"
                               f"只有 {days.count} 个工作日{days.note()}", field="publicity")  # fmt: skip
    elif days.provisional:
        yield Violation("R25", f"公示期 {days.count} 个工作日{days.note()}", kind="warn")
    consent = latest_consent(ctx)
    if consent is not None and publicity.start < consent.date:
        yield Violation("R25", f"公示应在上级党委同意（{consent.date:%Y-%m-%d}）之后进行，"
                               f"公示自 {publicity.start:%Y-%m-%d} 开始", field="publicity")  # fmt: skip
    if getattr(ctx.applicant, "is_mobile", False) and len(getattr(publicity, "places", None) or []) < 2:
        yield Violation("R25", "流动人员须在流出地和流入地同时公示，请登记两处公示地点", field="publicity")
    if getattr(publicity, "outcome", "") == "有反映，影响发展":
        yield Violation(
            "R25", f"公示结果影响发展，不能列为发展对象：{getattr(publicity, 'notes', '')}", field="publicity"
        )


# --- R27, R28 (2026): the branch meeting within a month of 预审, the oath within a month of approval ----
def _late_after(ctx: Context, p: dict, since_step: int, rule: str, what: str, since_label: str):
    since = _step_date(ctx, since_step)
    if not since:
        return
    months = int(p.get("months", 1))
    due = add_months(since, months)
    if ctx.date > due and not (ctx.data.get("late_reason") or "").strip():
        yield Violation(rule, f"{what}一般应在{since_label}（{since:%Y-%m-%d}）后{months}个月内（{due:%Y-%m-%d}前），"
                              f"已晚 {(ctx.date - due).days} 天；请记录原因", kind="warn", field="late_reason")  # fmt: skip


@register("R27", points=[S.BRANCH_MEETING], trigger=lambda ctx: _step_date(ctx, S.PRE_REVIEW))
def r27_meeting_after_pre_review(ctx: Context, p: dict):
    yield from _late_after(ctx, p, S.PRE_REVIEW, "R27", "党支部党员大会讨论", "上级党委预审合格")


@register("R28", points=[S.OATH], trigger=lambda ctx: _step_date(ctx, S.APPROVAL))
def r28_oath_after_approval(ctx: Context, p: dict):
    yield from _late_after(ctx, p, S.APPROVAL, "R28", "入党宣誓", "上级党委批准")


# --- County switches (local practice, docs/rules.md): no national row; a county turns one on with its own
# row (jurisdiction = its organization department, an effective date, hard or warn). -----------------------
PUBLICITY_STAGE_AT = {S.ACTIVIST: "activist", S.BRANCH_MEETING: "admission", S.CONVERSION_MEETING: "conversion"}


@register("S1", points=list(PUBLICITY_STAGE_AT))
def s1_publicity_at_other_stages(ctx: Context, p: dict):
    """公示 before 确定入党积极分子 / 接收预备党员 / 转正, where the county requires it."""
    from recruitment.calendar import working_days

    stage = PUBLICITY_STAGE_AT[ctx.point]
    if stage not in (p.get("stages") or list(PUBLICITY_STAGE_AT.values())):
        return
    publicity = _latest_publicity(ctx, stage)
    label = {"activist": "确定入党积极分子", "admission": "接收预备党员", "conversion": "预备党员转正"}[stage]
    if publicity is None:
        yield Violation("S1", f"本地规定：{label}前须公示，尚无公示记录", field="publicity")
        return
    need = int(p.get("working_days", 5))
    days = working_days(publicity.start, publicity.end)
    if days.count < need:
        yield Violation("S1", f"本地规定：{label}前公示不少于{need}个工作日，{publicity.start:%Y-%m-%d}至"
                              f"{publicity.end:%Y-%m-%d}只有 {days.count} 个工作日{days.note()}", field="publicity")  # fmt: skip
    if getattr(publicity, "outcome", "") == "有反映，影响发展":
        yield Violation("S1", f"公示结果影响发展：{getattr(publicity, 'notes', '')}", field="publicity")


@register("S2", points=[S.PRE_REVIEW])
def s2_pre_review_within_a_month(ctx: Context, p: dict):
    """上级党委预审 within a month of the branch committee's review (step 12), where the county requires it."""
    review = _step_date(ctx, S.BRANCH_COMMITTEE_REVIEW)
    months = int(p.get("months", 1))
    if review and ctx.date > add_months(review, months):
        yield Violation("S2", f"本地规定：支部委员会审查（{review:%Y-%m-%d}）后{months}个月内预审，"
                              f"已晚 {(ctx.date - add_months(review, months)).days} 天", field="date")  # fmt: skip


@register("S3", points=[S.ACTIVIST])
def s3_league_recommendation_under_28(ctx: Context, p: dict):
    """28岁以下的入党申请人确定为积极分子须经团组织推优, where the county requires it."""
    birth = ctx.applicant.birth_date
    below = int(p.get("below_age", 28))
    if birth and age_on(birth, ctx.date) < below and ctx.data.get("recommendation") != "群团组织推优":
        yield Violation("S3", f"本地规定：{below}周岁以下的入党申请人须经团组织推优方可确定为入党积极分子",
                        field="recommendation")  # fmt: skip


@register("S4", points=[S.ACTIVIST])
def s4_months_from_application(ctx: Context, p: dict):
    """A minimum time from the application to the activist (3 or 6 months), where the county requires it."""
    applied = _step_date(ctx, S.APPLICATION)
    months = int(p.get("months", 6))
    if applied and ctx.date < add_months(applied, months):
        earliest = add_months(applied, months)
        yield Violation("S4", f"本地规定：递交入党申请书（{applied:%Y-%m-%d}）满{months}个月后方可确定为入党积极分子，"
                              f"{earliest:%Y-%m-%d}起可办理", field="date")  # fmt: skip


@register("S5", points=[S.ARCHIVE])
def s5_archive_within_a_week(ctx: Context, p: dict):
    """材料归档 within a week of 转正, where the county requires it."""
    converted = _step_date(ctx, S.CONVERSION)
    days = int(p.get("days", 7))
    if converted and (ctx.date - converted).days > days:
        yield Violation("S5", f"本地规定：转正（{converted:%Y-%m-%d}）后{days}日内移交归档，已晚 "
                              f"{(ctx.date - converted).days - days} 天", kind="warn")  # fmt: skip
