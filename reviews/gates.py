"""R16–R20: the pre-assessment gates, registered in the one rule engine (``applicants.rulebook``).

Points are step numbers or review actions ``"review:<tier>"`` (a *pass* at that tier). For rows
judged before they exist (the ledger import) a check reads ``ctx.facts`` instead of the database;
with neither it stays silent rather than guess.
"""

from __future__ import annotations

from applicants import steps as S
from applicants.rulebook import Context, register
from recruitment.errors import Violation

REVIEW_POINTS = ["review:1", "review:2", "review:3"]


def _latest_by_department(opinions) -> dict:
    latest = {}
    for o in sorted(opinions, key=lambda o: (o.given_on, o.pk or 0)):
        latest[o.department_id] = o
    return latest


# --- R16 three-tier pre-assessment ------------------------------------------------------------------
@register("R16", points=[S.BRANCH_MEETING, S.APPROVAL, "review:2"])
def r16_pre_assessment(ctx: Context, p: dict):
    from .models import EntryStatus, LedgerEntry, OpinionPurpose, OpinionVerdict

    a = ctx.applicant
    if ctx.point == "review:2":
        entry = ctx.facts["entry"]
        need = int(p.get("min_committee_opinions", 1))
        opinions = list(entry.opinions.filter(purpose=OpinionPurpose.COMMITTEE_REVIEW).select_related("department"))
        latest = _latest_by_department(opinions)
        if len(latest) < need:
            yield Violation(
                "R16",
                f"党委复审须征求纪检、公安等执纪执法部门意见（至少{need}个部门），当前已记录 {len(latest)} 个",
                field="opinions",
            )
        for o in latest.values():
            if o.verdict == OpinionVerdict.DISAGREE:
                yield Violation(
                    "R16",
                    f"{o.department.name}于{o.given_on:%Y-%m-%d}出具不同意意见（{o.opinion or '未说明'}），复审不能通过",
                    field="opinions",
                )
        return
    if "ledger_passed" in ctx.facts:
        if not ctx.facts["ledger_passed"]:
            yield Violation("R16", "未经三级预判分析或预判不合格的，不得接收为预备党员")
        return
    if not a.pk:
        return
    years = {ctx.date.year}
    if ctx.point == S.APPROVAL and a.branch_meeting_on:
        years.add(a.branch_meeting_on.year)  # approval early next year of a December meeting
    entries = list(LedgerEntry.objects.filter(applicant=a, year__in=years).order_by("-year"))
    if any(e.status == EntryStatus.PASSED for e in entries):
        return
    what = "支部大会讨论接收" if ctx.point == S.BRANCH_MEETING else "上级党委审批"
    if not entries:
        yield Violation(
            "R16", f"{a.name}未列入{ctx.date.year}年度拟接收预备党员预判分析台账，未经三级预判分析不得{what}"
        )
        return
    e = entries[0]
    if e.status == EntryStatus.FAILED:
        yield Violation("R16", f"{a.name}在{e.year}年度预判分析中未通过，不予发展")
    else:
        yield Violation(
            "R16", f"{a.name}的{e.year}年度预判分析尚未完成（{e.tier_label}），三级审查全部通过后方可{what}"
        )


# --- R17 流动人员: opinion of the 户籍所在地 party organization before the committee tier ----------------
@register("R17", points=["review:2"])
def r17_household_opinion(ctx: Context, p: dict):
    """By residence, not by sector (corrected 2026-11-30; 细则2026第十六条): a person living or working
    away from the 户籍所在地 needs that place's party organization's opinion. A county that also wants it
    for every 两新 candidate lists the sectors in the rule's ``sectors`` parameter."""
    from .models import OpinionVerdict

    a = ctx.applicant
    sectors = set(p.get("sectors") or [])
    sector = ctx.facts.get("sector", a.branch.sector if a.branch_id else "")
    if not getattr(a, "is_mobile", False) and sector not in sectors:
        return
    latest = a.household_opinions.order_by("-given_on", "-id").first() if a.pk else None
    if latest is None:
        who = "流动人员中的发展对象" if getattr(a, "is_mobile", False) else f"{sector}党组织确定的发展对象"
        yield Violation(
            "R17",
            f"{who}，政治审查须征求户籍所在地党组织意见"
            f"（户籍所在地：{a.household_registration or '未填写'}），复审前尚未记录",
            field="household",
        )
    elif latest.verdict != OpinionVerdict.AGREE:
        yield Violation(
            "R17",
            f"户籍所在地党组织（{latest.organization_name}）于{latest.given_on:%Y-%m-%d}出具不同意意见："
            f"{latest.opinion or '未说明'}",
            field="household",
        )


# --- R18 near relatives of village cadres: county-level approval before step 17 -------------------------
@register("R18", points=[S.APPROVAL])
def r18_cadre_relative(ctx: Context, p: dict):
    a = ctx.applicant
    if not a.is_cadre_relative:
        return
    if "cadre_relative_approved" in ctx.facts:
        if not ctx.facts["cadre_relative_approved"]:
            yield Violation("R18", "村组干部近亲属发展入党，未经县级批复一律不得审批")
        return
    if not a.pk:
        return
    latest = a.cadre_relative_approvals.order_by("-decided_on", "-id").first()
    if latest is None:
        yield Violation(
            "R18",
            f"{a.name}为村组干部近亲属，须经村党组织逐级报备、县镇联合考察，取得县级批复后方可审批；尚无县级批复记录",
        )
    elif not latest.approved:
        yield Violation(
            "R18", f"县级批复（{latest.document_no or '无文号'}，{latest.decided_on:%Y-%m-%d}）不同意发展{a.name}"
        )


# --- R19 negative list -----------------------------------------------------------------------------------
@register("R19", points=[*range(S.TALK, S.APPROVAL + 1), *REVIEW_POINTS])
def r19_negative_list(ctx: Context, p: dict):
    a = ctx.applicant
    if "negative_hits" in ctx.facts:
        hits = ctx.facts["negative_hits"]
    elif a.pk:
        hits = list(a.negative_list_hits.filter(revoked_at__isnull=True).select_related("item"))
    else:
        return
    for h in hits:
        yield Violation(
            "R19",
            f"命中发展党员负面清单{h.item.article}“{h.item.title}”（{h.found_on:%Y-%m-%d}记录），不得继续发展",
            field="negative_list",
        )
    if ctx.point == "review:2" and p.get("require_check_before_committee") and a.pk and not hits:
        if not a.negative_list_checks.exists():
            yield Violation("R19", "党委复审前须对照负面清单逐条比对并记录比对结果", field="negative_list")


# --- R20 joint review by 执纪执法 departments before training (switched on per county) ------------------
@register("R20", points=[S.TRAINING])
def r20_joint_review(ctx: Context, p: dict):
    from .models import OpinionPurpose, OpinionVerdict, ReviewDepartment

    a = ctx.applicant
    if "joint_review_passed" in ctx.facts:
        if not ctx.facts["joint_review_passed"]:
            yield Violation("R20", "集中培训前须经执纪执法部门联审")
        return
    if not a.pk:
        return
    names = list(p.get("departments") or [])
    required = ReviewDepartment.objects.filter(is_active=True)
    required = list(required.filter(name__in=names) if names else required.filter(in_joint_review=True))
    latest = _latest_by_department(
        a.department_opinions.filter(purpose=OpinionPurpose.JOINT_REVIEW).select_related("department")
    )
    missing = [d.name for d in required if d.pk not in latest]
    if missing:
        yield Violation(
            "R20", f"参加集中培训前须经执纪执法部门联审，尚缺以下部门意见：{'、'.join(missing)}", field="joint_review"
        )
    for o in latest.values():
        if o.verdict == OpinionVerdict.DISAGREE:
            yield Violation(
                "R20",
                f"联审中{o.department.name}于{o.given_on:%Y-%m-%d}出具不同意意见：{o.opinion or '未说明'}",
                field="joint_review",
            )
