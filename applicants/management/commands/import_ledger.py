import json
import time

from django.core.management.base import BaseCommand, CommandError

from applicants.ledger import LEDGER_HEADER, REQUIRED_HEADER, ledger_import, may_import
from recruitment.models import User
from recruitment.tabular import TableError, read_table

HELP = f"""导入发展党员台账（.csv UTF-8，可带 BOM；或 .xlsx）。第 1 行表头须含：
{",".join(REQUIRED_HEADER)}
其后可选列：{",".join(LEDGER_HEADER[len(REQUIRED_HEADER) :])}
日期写作 YYYY-MM-DD（也接受 YYYY/MM/DD 和 Excel 日期单元格）；步骤日期为空表示尚未办理到该步骤。
每行按规则库判断（R1 R2 R3 R6 R9 R11 R12 R14 R21 R25 R26 R27 R28 及输入错误 INPUT，按各日期适用的细则版本）；有错误的行不写入，其余行在同一事务中写入。
按公民身份号码识别同一人：再次导入只更新基本信息并追加新的步骤，已登记步骤的日期须一致。
退出码：文件已处理（即使部分行有错误）为 0；文件无法读取、表头不符或用户无效为 1。"""


class Command(BaseCommand):
    help = HELP

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        parser.add_argument(
            "--format",
            choices=["text", "json"],
            default="text",
            help="json：标准输出只有一个 JSON 对象 {imported, rows:[{row, ok, errors, warnings}]}",
        )
        parser.add_argument("--user", help="以该用户身份导入（限其管辖范围，记录归属该用户）；省略则为系统导入")
        parser.add_argument("--today", help="按此日期判断（YYYY-MM-DD），默认今天")

    def handle(self, *args, file, dry_run, format, user, today, **options):
        import datetime as dt

        actor = None
        if user:
            actor = User.objects.select_related("organization").filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(f"找不到用户：{user}")
            if not may_import(actor):
                raise CommandError(f"用户 {user} 的角色无权导入台账")
        try:
            table = read_table(file, expected_header=REQUIRED_HEADER)
        except (TableError, OSError) as exc:
            raise CommandError(f"无法读取台账文件：{exc}") from exc
        started = time.perf_counter()
        result = ledger_import(
            table=table,
            actor=actor,
            dry_run=dry_run,
            source=str(file).rsplit("/", 1)[-1],
            today=dt.date.fromisoformat(today) if today else None,
        )
        elapsed = time.perf_counter() - started
        if format == "json":
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
            return
        for r in result.rows:
            if not r.ok:
                for e in r.errors:
                    self.stdout.write(f"第 {r.row} 行 {r.name}【{e['field']}】{e['rule']}：{e['message']}")
        for r in result.rows:
            for w in r.warnings:
                self.stdout.write(f"第 {r.row} 行 {r.name}【{w['field']}】提示 {w['rule']}：{w['message']}")
        self.stdout.write(f"{'行号':<6}{'姓名':<10}{'党组织编码':<12}{'结果':<8}{'已完成步骤':<6}")
        for r in result.rows:
            status = r.action if r.ok else f"错误 {len(r.errors)} 处"
            self.stdout.write(f"{r.row:<8}{r.name:<10}{r.org_code:<16}{status:<10}{r.current_step if r.ok else '':<6}")
        verb = "校验完成（未写入）" if dry_run else "导入完成"
        summary = (
            f"{verb}：共 {len(result.rows)} 行，有效 {result.ok_rows} 行（新建 {result.created}，更新 {result.updated}，"
            f"无变化 {result.unchanged}），有错误 {result.error_rows} 行未写入；用时 {elapsed:.1f} 秒"
        )
        self.stdout.write(self.style.SUCCESS(summary) if not result.error_rows else self.style.WARNING(summary))
