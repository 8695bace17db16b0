"""Demo data of the inspections area: one spot check by the inspector (ducha) of this year's admitted
members in 龙门镇 (HC02), two findings — one open, one fixed by the branch and waiting for the
inspector. 城关镇 (HC01) is left for the inspector to draw in. Idempotent."""

from __future__ import annotations

import datetime as dt

from inspections.models import FindingCategory, Population, SpotCheck
from inspections.services import finding_fix, finding_record, spot_check_draw
from recruitment.models import Organization

TOWNSHIP_SUFFIX = "02"
SEED = 20260701


def seed(*, county, today: dt.date, log=print, **_) -> None:
    inspector = county.users.get("ducha")
    township = Organization.objects.filter(code=f"{county.root.code}{TOWNSHIP_SUFFIX}").first()
    if inspector is None or township is None or SpotCheck.objects.exists():
        return
    (check,) = spot_check_draw(
        townships=[township], population=Population.ADMITTED, year=today.year, size=20, seed=SEED, actor=inspector
    )
    items = list(check.items.select_related("applicant__branch")[:2])
    findings = [
        (FindingCategory.SIGNATURE, 10, "入党志愿书", "入党介绍人意见栏缺少一名介绍人签字"),
        (FindingCategory.DATE, 12, "政审材料", "政审结论日期晚于支部委员会审查日期"),
    ]
    made = []
    for item, (category, step, material, text) in zip(items, findings, strict=False):
        made.append(
            finding_record(
                item=item,
                category=category,
                description=text,
                deadline=today + dt.timedelta(days=30),
                step=step,
                material=material,
                actor=inspector,
                today=today,
            )
        )
    if len(made) > 1:  # fixed by the person's own branch secretary when there is a demo one, else the department
        branch = made[1].applicant.branch
        fixer = next((u for u in county.users.values() if u.role == "branch" and u.can_see(branch)), None)
        fixer = fixer or county.users["zuzhibu"]
        finding_fix(finding=made[1], note="已按审查顺序重新核对，补充说明并由支部书记签字", actor=fixer)
    log(f"档案抽查：{township.name} 抽取 {len(check.drawn_ids)} 本，记录问题 {len(made)} 个")
