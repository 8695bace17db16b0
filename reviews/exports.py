"""The ledger in the layout staff print and send up (拟接收预备党员预判分析台账)."""

from __future__ import annotations

from recruitment.tabular import Sheet, write_workbook

from .models import LedgerEntry, OpinionVerdict, Tier
from .selectors import decisions_by_tier

HEADER = [
    "序号",
    "姓名",
    "性别",
    "出生年月",
    "学历",
    "所在党支部",
    "所属党（工）委",
    "领域",
    "确定发展对象时间",
    "初审意见",
    "初审人",
    "初审日期",
    "复审意见",
    "复审人",
    "复审日期",
    "部门意见",
    "终审意见",
    "终审人",
    "终审日期",
    "状态",
]


def _decision_cells(d) -> list:
    if d is None:
        return ["", "", ""]
    return [f"{d.get_verdict_display()}：{d.reason}", str(d.reviewer), d.decided_on]


def ledger_rows(entries: list[LedgerEntry]) -> list[list]:
    rows = []
    for i, e in enumerate(entries, start=1):
        a = e.applicant
        by_tier = decisions_by_tier(e)
        opinions = "；".join(
            f"{o.department.name}（{o.given_on:%Y-%m-%d}）{'同意' if o.verdict == OpinionVerdict.AGREE else '不同意'}"
            + (f"：{o.opinion}" if o.opinion else "")
            for o in e.opinions.all()
        )
        rows.append(
            [
                i,
                a.name,
                a.gender,
                a.birth_date.strftime("%Y.%m"),
                a.education,
                a.branch.name,
                a.branch.parent.name if a.branch.parent_id else "",
                a.branch.sector,
                a.candidate_on,
                *_decision_cells(by_tier.get(Tier.BRANCH)),
                *_decision_cells(by_tier.get(Tier.COMMITTEE)),
                opinions,
                *_decision_cells(by_tier.get(Tier.DEPARTMENT)),
                e.tier_label,
            ]
        )
    return rows


WIDTHS = [6, 10, 6, 10, 10, 24, 18, 12, 14, 30, 10, 12, 30, 10, 12, 40, 30, 10, 12, 14]


def ledger_xlsx(*, entries: list[LedgerEntry], year: int) -> bytes:
    return write_workbook(
        [
            Sheet(
                title=f"{year}年度预判分析台账",
                caption=f"{year}年度拟接收预备党员预判分析台账",
                merged_caption=True,
                header=HEADER,
                rows=ledger_rows(entries),
                widths=WIDTHS,
                boxed=True,
                freeze="C3",
            )
        ]
    )
