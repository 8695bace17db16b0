"""``manage.py compliance_report --year Y [--org CODE] [--format json|table]``

The same selector as the dashboard (``quotas.selectors.compliance_for_year``). With ``json`` the
standard output holds only the JSON document (see ``compliance_report_data`` for the contract)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from quotas.selectors import compliance_for_year, compliance_report_data
from recruitment.models import Organization


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.2f}%"


def _verdict(ok: bool | None) -> str:
    return {True: "达标", False: "未达标", None: "不考核"}[ok]


def _width(s: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)


def _pad(s: str, n: int) -> str:
    return s + " " * max(0, n - _width(s))


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(_width(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    lines = ["  ".join(_pad(str(x), w) for x, w in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(_pad(str(x), w) for x, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(lines)


class Command(BaseCommand):
    help = "输出某年度某组织（含下级）新发展党员的领域、结构比例达标情况和计划执行情况"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="年度（默认今年）")
        parser.add_argument("--org", default=None, help="组织编码（默认顶级组织部门）")
        parser.add_argument("--format", choices=["json", "table"], default="table")

    def handle(self, *args, year=None, org=None, format="table", **options):
        year = year or timezone.localdate().year
        if org:
            organization = Organization.objects.filter(code=org).first()
            if organization is None:
                raise CommandError(f"组织编码 {org} 不存在")
        else:
            roots = list(Organization.objects.filter(parent__isnull=True)[:2])
            if not roots:
                raise CommandError("系统中还没有组织，请先导入组织或运行 seed_demo")
            if len(roots) > 1:
                raise CommandError("存在多个顶级组织，请用 --org 指定组织编码")
            organization = roots[0]
        c = compliance_for_year(org=organization, year=year)
        data = compliance_report_data(c)
        if format == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        out = [
            f"{year} 年度 {organization.name}（{organization.code}）发展党员比例情况",
            f"已审批（新发展党员）{c.admitted} 名；预判台账待接收 {c.expected} 名；合计预计 {c.projected} 名",
            f"比例依据：{c.rules.source_text}",
            "",
        ]
        out.append(
            _table(
                ["领域", "发展数", "占比", "要求", "结果", "预计占比", "预计结果"],
                [
                    [
                        r.key,
                        str(r.count),
                        _pct(r.share),
                        r.threshold_text,
                        _verdict(r.ok),
                        _pct(e.share),
                        _verdict(e.ok),
                    ]
                    for r, e in zip(c.sectors, c.expected_sectors, strict=True)
                ],
            )
        )
        out.append("")
        out.append(
            _table(
                ["结构", "人数", "占比", "要求", "结果"],
                [[r.key, str(r.count), _pct(r.share), r.threshold_text, _verdict(r.ok)] for r in c.structure],
            )
        )
        p = c.plan
        out.append("")
        if p.total is None:
            out.append("计划执行：本年度未下达计划")
        else:
            out.append(
                f"计划执行：计划 {p.total} 名，已下达 {p.allocated} 名，已发展 {p.admitted} 名"
                f"（完成 {_pct(p.rate)}），预判台账 {p.on_ledger} 名"
            )
        failing = [r.key for r in c.failing]
        out.append("未达标项目：" + ("、".join(failing) if failing else "无"))
        self.stdout.write("\n".join(out))
