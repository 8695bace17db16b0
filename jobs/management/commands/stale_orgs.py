"""Stale-organization scan from the command line.

``--format json`` prints only the contract:
{"as_of": "YYYY-MM-DD", "red": [{"org": CODE, "last_admitted": date|null}],
 "watch": [{"org": CODE, "last_admitted": date|null, "reason": "2y"|"reserve"}]}  (sorted by code)
"""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jobs.models import StaleLevel
from jobs.stale import Thresholds, committee_of_paths, stale_evaluate, stale_scan_run
from recruitment.dates import add_years
from recruitment.models import Organization

REASON_LABEL = {"never": "成立以来未发展", "3y": "3年未发展", "2y": "2年及以上未发展", "reserve": "后备力量不足"}


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from exc


class Command(BaseCommand):
    help = "扫描3年未发展党员（红色）和2年及以上未发展或后备力量不足（关注）的党支部"

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", help="统计日期 YYYY-MM-DD，默认今天")
        parser.add_argument("--format", choices=["table", "json"], default="table")
        parser.add_argument(
            "--reserve-min",
            dest="reserve_min",
            type=int,
            default=None,
            help="后备力量（积极分子+发展对象）少于此数列入关注，默认取规则 STALE 的参数（1）",
        )
        parser.add_argument("--save", action="store_true", help="同时保存为一次扫描记录（页面与月报使用）")

    def handle(self, *args, as_of=None, format="table", reserve_min=None, save=False, **options):
        as_of = _date(as_of) if as_of else timezone.localdate()
        if reserve_min is not None and reserve_min < 0:
            raise CommandError("--reserve-min 不能为负数")
        thresholds = Thresholds.in_force(as_of, reserve_min)
        rows = list(stale_evaluate(as_of=as_of, thresholds=thresholds))
        if save:
            stale_scan_run(as_of=as_of, source="command", reserve_min=reserve_min)
        if format == "json":
            day = lambda d: d.isoformat() if d else None  # noqa: E731
            out = {
                "as_of": as_of.isoformat(),
                "red": [
                    {"org": s.code, "last_admitted": day(s.last_admitted)} for s in rows if s.level == StaleLevel.RED
                ],
                "watch": [
                    {"org": s.code, "last_admitted": day(s.last_admitted), "reason": s.reason}
                    for s in rows
                    if s.level == StaleLevel.WATCH
                ],
            }
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            return
        self._table(rows, as_of, thresholds)

    def _table(self, rows, as_of, t):
        orgs = Organization.objects.in_bulk([s.org_id for s in rows])
        committee = committee_of_paths(list(orgs.values()))
        w = self.stdout.write
        red = [r for r in rows if r.level == StaleLevel.RED]
        watch = [r for r in rows if r.level == StaleLevel.WATCH]
        w(f"未发展党员组织扫描　统计日期：{as_of:%Y年%m月%d日}")
        red_cut, watch_cut = add_years(as_of, -t.red_years), add_years(as_of, -t.watch_years)
        w(f"口径：红色 = 成立满{t.red_years}年，且{red_cut:%Y-%m-%d}之后（不含当日）无上级党委审批的新党员；")
        w(f"　　　关注 = {watch_cut:%Y-%m-%d}之后无新党员，或入党积极分子和发展对象少于{t.reserve_min}名。")
        for title, items in (
            (f"红色名单（须年内清零）：{len(red)} 个", red),
            (f"关注名单（定期跟踪指导）：{len(watch)} 个", watch),
        ):
            w("")
            w(title)
            if not items:
                w("  （无）")
                continue
            w(f"  {'编码':<10}{'党支部':<24}{'所属党(工)委':<14}{'最近发展':<12}{'后备':>4}  原因")
            for s in items:
                o = orgs[s.org_id]
                cm = committee.get(o.pk)
                last = s.last_admitted.isoformat() if s.last_admitted else "从未"
                w(
                    f"  {s.code:<12}{_pad(o.name, 26)}{_pad(cm.name if cm else '—', 16)}{last:<12}{s.reserve:>4}  {REASON_LABEL[s.reason]}"
                )
        w("")
        w(f"合计：红色 {len(red)} 个，关注 {len(watch)} 个。")


def _pad(text: str, width: int) -> str:
    """Pad to a display width where CJK characters count double."""
    shown = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
    return text + " " * max(1, width - shown)
