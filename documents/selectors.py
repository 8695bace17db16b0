"""What the printed documents say: the 公示 notice of a stage, a person's timeline, the year's
发展党员工作台账 and 预判分析台账. Reads only; the layouts (PDF, .docx) take these values.

Which 公示 a person has (docs/rules.md R25, S1): the 发展对象 公示 is national from 2026-05-11 (细则（2026）
第十三条; before, a county's own R25 row); the 公示 before 入党积极分子 / 接收预备党员 / 转正 is a county switch
(S1, ``stages``). A stage has a notice when its 公示 is recorded, or when it is the person's next 公示 and the
rule in force requires it. A recorded 公示 gives the window; otherwise the window is proposed: from the next
working day, as many working days as the rule asks (the work calendar, ``recruitment.calendar``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from applicants import steps as S
from applicants.ledger import LEDGER_HEADER, ledger_rows
from applicants.models import Applicant, Publicity
from applicants.rulebook import RuleSet
from applicants.selectors import applicant_people
from recruitment.calendar import WorkingDays, working_days
from recruitment.dates import age_on
from recruitment.idcard import mask_id_number

Stage = Publicity.Stage
# The step the 公示 comes before, and the step from which it is the person's next one.
STAGE_STEPS: dict[str, tuple[int, int]] = {
    Stage.ACTIVIST: (S.ACTIVIST, 0),
    Stage.CANDIDATE: (S.CANDIDATE, S.ACTIVIST),
    Stage.ADMISSION: (S.BRANCH_MEETING, S.CANDIDATE),
    Stage.CONVERSION: (S.CONVERSION_MEETING, S.BRANCH_MEETING),
}
STAGE_RULE = {Stage.ACTIVIST: "S1", Stage.CANDIDATE: "R25", Stage.ADMISSION: "S1", Stage.CONVERSION: "S1"}
# "拟将某某同志<确定为…>"
STAGE_ACT = {
    Stage.ACTIVIST: "确定为入党积极分子",
    Stage.CANDIDATE: "确定为发展对象",
    Stage.ADMISSION: "接收为中共预备党员",
    Stage.CONVERSION: "按期转为中共正式党员",
}
STAGE_TITLE = {
    Stage.ACTIVIST: "入党积极分子",
    Stage.CANDIDATE: "发展对象",
    Stage.ADMISSION: "拟接收预备党员",
    Stage.CONVERSION: "预备党员拟转正",
}
STAGE_BY = {  # who decided before the 公示
    Stage.ACTIVIST: "经党支部委员会会议研究",
    Stage.CANDIDATE: "经党支部委员会会议研究并报上级党委同意",
    Stage.ADMISSION: "经党支部委员会会议审查、上级党委预审",
    Stage.CONVERSION: "经党支部委员会会议审查",
}
DEFAULT_WORKING_DAYS = 5


def cn_date(day: dt.date | None) -> str:
    """2026年11月23日 (GB/T 9704: Arabic numerals, no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def issuer_name(org) -> str:
    return org.name if org.name.startswith("中共") else f"中共{org.name}"


def publicity_rule(applicant: Applicant, stage: str, on: dt.date, ruleset: RuleSet) -> dict | None:
    """The parameters of the rule that requires this 公示 on ``on`` in the person's branch, or None."""
    params = ruleset.params(STAGE_RULE[stage], on, applicant.branch.path)
    if params is None:
        return None
    if STAGE_RULE[stage] == "S1" and stage not in (params.get("stages") or list(STAGE_RULE)):
        return None
    return params


def notice_stages(*, applicant: Applicant, today: dt.date, ruleset: RuleSet | None = None) -> list[str]:
    """The stages this person has a 公示 notice for, in the order of the pipeline."""
    ruleset = ruleset or RuleSet.load()
    recorded = set(applicant.publicities.values_list("stage", flat=True))
    out = []
    for stage, (before, after) in STAGE_STEPS.items():
        upcoming = applicant.is_active and after <= applicant.current_step < before
        if stage in recorded or (upcoming and publicity_rule(applicant, stage, today, ruleset) is not None):
            out.append(stage)
    return out


def proposed_window(start_after: dt.date, need: int) -> tuple[dt.date, dt.date]:
    """From the first working day after ``start_after`` to the day the window holds ``need`` working days."""
    start = start_after + dt.timedelta(days=1)
    while working_days(start, start).count == 0:
        start += dt.timedelta(days=1)
    end = start
    while working_days(start, end).count < need:
        end += dt.timedelta(days=1)
    return start, end


@dataclass
class Notice:
    applicant: Applicant
    stage: str
    title: str
    lead: str  # 根据…，拟将…，现予公示
    profile: str  # the person in one paragraph
    facts: list[tuple[str, str]]  # label → value, for the table
    start: dt.date
    end: dt.date
    days: WorkingDays
    need: int
    recorded: Publicity | None
    places: list[str]
    phone: str
    address: str
    issuer: str
    issued_on: dt.date
    feedback: list[str] = field(default_factory=list)

    @property
    def window(self) -> str:
        return f"{cn_date(self.start)}至{cn_date(self.end)}（{self.days.count}个工作日）"


def publicity_notice(
    *, applicant: Applicant, stage: str, today: dt.date, phone: str = "", address: str = "", ruleset=None
) -> Notice:
    """The notice of ``stage`` (one of :func:`notice_stages`). No full ID number: a notice is posted."""
    ruleset = ruleset or RuleSet.load()
    recorded = applicant.publicities.filter(stage=stage).order_by("-end", "-id").first()
    params = publicity_rule(applicant, stage, recorded.start if recorded else today, ruleset) or {}
    need = int(params.get("working_days", DEFAULT_WORKING_DAYS))
    start, end = (recorded.start, recorded.end) if recorded else proposed_window(today, need)
    a = applicant
    age = age_on(a.birth_date, start)
    facts = [
        ("姓名", a.name),
        ("性别", a.gender),
        ("出生年月", f"{cn_date(a.birth_date)}（{age}岁）"),
        ("民族", a.ethnicity),
        ("学历", a.education),
        ("职业/工作岗位", a.occupation + ("（生产工作一线）" if a.frontline else "")),
        ("所在党支部", a.branch.name),
        ("申请入党时间", cn_date(a.applied_on)),
    ]
    history = [f"{cn_date(a.applied_on)}递交入党申请书"] if a.applied_on else []
    if stage != Stage.ACTIVIST and a.activist_on:
        facts.append(("确定为入党积极分子时间", cn_date(a.activist_on)))
        history.append(f"{cn_date(a.activist_on)}被确定为入党积极分子")
    if stage in (Stage.ADMISSION, Stage.CONVERSION) and a.candidate_on:
        facts.append(("确定为发展对象时间", cn_date(a.candidate_on)))
        history.append(f"{cn_date(a.candidate_on)}被确定为发展对象")
    if stage == Stage.ADMISSION:
        names = "、".join(p.member.name for p in applicant_people(applicant=a) if p.role == "introducer")
        facts.append(("入党介绍人", names or "—"))
        if names:
            history.append(f"入党介绍人为{names}同志")
    if stage == Stage.CONVERSION:
        facts.append(("接收为预备党员时间", cn_date(a.branch_meeting_on)))
        facts.append(("预备期", f"{cn_date(a.branch_meeting_on)}至{cn_date(a.probation_end)}"))
        history.append(f"{cn_date(a.branch_meeting_on)}被接收为中共预备党员，预备期至{cn_date(a.probation_end)}")
    profile = (
        f"{a.name}，{a.gender}，{a.ethnicity}，{cn_date(a.birth_date)}生（{age}岁），{a.education}学历，"
        f"{a.occupation}，{a.branch.name}。" + ("，".join(history) + "。" if history else "")
    )
    lead = (
        f"根据《中国共产党发展党员工作细则》有关规定，{STAGE_BY[stage]}，拟将{a.name}同志{STAGE_ACT[stage]}。"
        "为广泛听取党员和群众意见，现将有关情况予以公示。"
    )
    feedback = [
        "公示期间，党员和群众可通过来电、来信、来访等方式，向党支部或上级党委反映公示对象的有关情况和问题。",
        "反映问题应实事求是，以个人名义反映的请提供真实姓名和联系方式，以单位名义反映的请加盖公章。",
    ]
    return Notice(
        applicant=a,
        stage=stage,
        title=f"关于{a.name}同志{STAGE_TITLE[stage] if stage != Stage.CANDIDATE else '拟确定为发展对象'}的公示",
        lead=lead,
        profile=profile,
        facts=facts,
        start=start,
        end=end,
        days=working_days(start, end),
        need=need,
        recorded=recorded,
        places=list(recorded.places) if recorded else [],
        phone=(phone or "").strip()[:40],
        address=(address or "").strip()[:100],
        issuer=issuer_name(a.branch),
        issued_on=start,
        feedback=feedback,
    )


# --- a person's timeline (the 25 steps with dates and actors) -------------------------------------------------
@dataclass
class TimelineLine:
    number: int
    name: str
    stage: int
    date: dt.date | None
    actor: str
    org: str
    responsible: str
    outcome: str


def person_timeline(*, applicant: Applicant) -> list[TimelineLine]:
    records = {r.step: r for r in applicant.steps.select_related("actor", "acting_org")}
    out = []
    for step in S.STEPS:
        r = records.get(step.number)
        out.append(
            TimelineLine(
                number=step.number,
                name=step.name,
                stage=step.stage,
                date=r.date if r else None,
                actor=str(r.actor) if r and r.actor else "",
                org=r.acting_org.name if r and r.acting_org_id else "",
                responsible=r.responsible if r else "",
                outcome=r.outcome if r else "",
            )
        )
    return out


# --- the year's 发展党员工作台账 ----------------------------------------------------------------------------------
WORK_LEDGER_COLUMNS = [
    "姓名",
    "性别",
    "民族",
    "出生日期",
    "公民身份号码",
    "学历",
    "职业",
    "申请入党日期",
    "谈话日期",
    "确定积极分子日期",
    "确定发展对象日期",
    "集中培训学时",
    "支部大会日期",
    "上级党委审批日期",
    "转正支部大会日期",
    "转正审批日期",
]
YEAR_DATES = ("applied_on", "activist_on", "candidate_on", "branch_meeting_on", "admitted_on", "converted_on")


def work_ledger_people(*, user, org, year: int) -> QuerySet:
    """People of ``org``'s subtree (inside the user's scope) with a key date of the pipeline in ``year``."""
    year_q = Q()
    for name in YEAR_DATES:
        year_q |= Q(**{f"{name}__year": year})
    return Applicant.objects.visible_to(user).filter(year_q, branch__path__startswith=org.path)


def work_ledger_rows(*, queryset: QuerySet) -> list[dict]:
    """The 台账's columns (``applicants.ledger``) for print: ID numbers masked, the branch by name."""
    people = list(queryset.select_related("branch").order_by("branch__path", "id"))
    index = {h: i for i, h in enumerate(LEDGER_HEADER)}
    rows = []
    for a, cells in zip(people, ledger_rows(queryset), strict=True):
        values = {h: cells[index[h]] for h in WORK_LEDGER_COLUMNS}
        values["公民身份号码"] = mask_id_number(a.id_number)
        shown = [cell_text(values[h]) for h in WORK_LEDGER_COLUMNS]
        rows.append({"applicant": a, "branch": a.branch.name, "status": a.status_label, "cells": shown})
    return rows


def cell_text(value) -> str:
    """A table cell as printed: dates as 2026-11-23, nothing as blank."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    return str(value)
