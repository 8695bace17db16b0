"""Demo data of the jobs area: email addresses for the demo users, two stale scans (a month ago and
today, so the list shows entries and exits) and a few follow-up notes. Idempotent."""

from __future__ import annotations

import datetime as dt

from jobs.models import FollowUp, StaleFlag, StaleLevel, StaleReason
from jobs.stale import stale_scan_run
from recruitment.models import OrgLevel

NOTES = [
    "到村召开党员大会，摸排出入党申请人2名，已安排支部书记一个月内谈话。",
    "与村党支部书记谈心，明确今年至少确定1名入党积极分子，镇党委组织员包联指导。",
]


def seed(*, county, today: dt.date, log=print, **_) -> None:
    for username, user in county.users.items():
        if not user.email:
            user.email = f"{username}@demo.local"
            user.save(update_fields=["email"])
    stale_scan_run(as_of=today - dt.timedelta(days=30), source="demo")
    scan = stale_scan_run(as_of=today, source="demo")
    author = county.users.get("dangwei")
    if author and not FollowUp.objects.exists():
        red = (
            StaleFlag.objects.filter(
                scan=scan,
                level=StaleLevel.RED,
                org__path__startswith=author.organization.path,
                org__level=OrgLevel.BRANCH,
            )
            .select_related("org")
            .order_by("org__code")[:2]
        )
        for i, flag in enumerate(red):
            FollowUp.objects.create(
                org=flag.org, date=today - dt.timedelta(days=10 - i * 3), note=NOTES[i], author=author
            )
    unknown = StaleFlag.objects.filter(scan=scan, reason=StaleReason.UNKNOWN).count()
    log(
        f"预警扫描：红色 {scan.red_count} 个（其中发展历史不详 {unknown} 个），关注 {scan.watch_count} 个；"
        "演示用户邮箱为 <用户名>@demo.local"
    )
