"""Stale-organization scan from the command line.

``--format json`` prints only the contract:
{"as_of": "YYYY-MM-DD", "red": [{"org": CODE, "last_admitted": date|null}],
 "watch": [{"org": CODE, "last_admitted": date|null, "reason": "2y"|"reserve"}]}  (sorted by code)
Added fields (the contract only grows): every entry also has "last_source" ("approval" | "register" |
"import" | null: where the last recruit was found — a step-17 approval in the system, a 入党日期 on
the 党员名册, the 最近发展党员日期 of the organization import) and each red entry its "reason"
("3y" | "never" | "unknown": no recruit known and founded before the window — 发展历史不详).
"""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jobs.models import RecruitSource, StaleLevel
from jobs.stale import Thresholds, committee_of_paths, stale_evaluate, stale_scan_run
from recruitment.dates import add_years
from recruitment.models import Organization

REASON_LABEL = {
    "never": "成立以来未发展",
    "3y": "3年未发展",
    "2y": "2年及以上未发展",
    "reserve": "后备力量不足",
    "unknown": "发展历史不详（须补录最近发展党员日期）",
}
SOURCE_SHORT = {RecruitSource.APPROVAL: "审批", RecruitSource.REGISTER: "名册", RecruitSource.IMPORT: "导入"}


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
            source = lambda s: s.last_source or None  # noqa: E731
            out = {
                "as_of": as_of.isoformat(),
                "red": [
                    {"org": s.code, "last_admitted": day(s.last_admitted), "reason": s.reason, "last_source": source(s)}
                    for s in rows
                    if s.level == StaleLevel.RED
                ],
                "watch": [
                    {"org": s.code, "last_admitted": day(s.last_admitted), "reason": s.reason, "last_source": source(s)}
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
        w(f"口径：红色 = 成立满{t.red_years}年，且{red_cut:%Y-%m-%d}之后（不含当日）无新发展党员；")
        w(f"　　　关注 = {watch_cut:%Y-%m-%d}之后无新党员，或入党积极分子和发展对象少于{t.reserve_min}名。")
        w(
            "　　　新发展党员 = 系统中上级党委审批（第17步）、党员名册中的入党日期，或组织导入的最近发展党员日期（上线前）；"
        )
        w("　　　无任何记录且成立早于统计期的支部为“发展历史不详”，请在组织导入中补录其最近发展党员日期。")
        for title, items in (
            (f"红色名单（须年内清零）：{len(red)} 个", red),
            (f"关注名单（定期跟踪指导）：{len(watch)} 个", watch),
        ):
            w("")
            w(title)
            if not items:
                w("  （无）")
                continue
            w(
                f"  {_pad('编码', 12)}{_pad('党支部', 26)}{_pad('所属党(工)委', 16)}{_pad('最近发展', 12)}"
                f"{_pad('来源', 6)}{'后备':>2}  原因"
            )
            for s in items:
                o = orgs[s.org_id]
                cm = committee.get(o.pk)
                last = s.last_admitted.isoformat() if s.last_admitted else ("不详" if s.reason == "unknown" else "从未")
                src = SOURCE_SHORT.get(s.last_source, "—")
                w(
                    f"  {s.code:<12}{_pad(o.name, 26)}{_pad(cm.name if cm else '—', 16)}{_pad(last, 12)}{_pad(src, 6)}"
                    f"{s.reserve:>4}  {REASON_LABEL[s.reason]}"
                )
        w("")
        w(f"合计：红色 {len(red)} 个，关注 {len(watch)} 个。")


def _pad(text: str, width: int) -> str:
    """Pad to a display width where CJK characters count double."""
    shown = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
    return text + " " * max(1, width - shown)
