import json

from django.core.management.base import BaseCommand, CommandError

from recruitment.members import MEMBER_IMPORT_HEADER, MEMBER_REQUIRED_HEADER, may_import_members, members_import
from recruitment.models import User
from recruitment.tabular import TableError, read_table

HELP = f"""导入党员名册（.csv UTF-8，可带 BOM；或 .xlsx），用于系统上线时导入现有党员。第 1 行表头为：
{",".join(MEMBER_IMPORT_HEADER)}
（最后三列处分类别、处分日期、处分影响期至可以没有）。人员类别为 正式党员/预备党员；日期写作 YYYY-MM-DD。
每行单独校验；有错误的行不写入，其余行在同一事务中写入（--dry-run 时都不写入）。
按公民身份号码识别同一人：再次导入更新名册中的同一条记录，不会重复。
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
        parser.add_argument(
            "--user", help="以该用户身份导入（组织部或党(工)委工作人员，限其管辖范围）；省略则为系统导入"
        )

    def handle(self, *args, file, dry_run, format, user, **options):
        actor = None
        if user:
            actor = User.objects.select_related("organization").filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(f"找不到用户：{user}")
            if not may_import_members(actor):
                raise CommandError(f"用户 {user} 的角色无权导入党员名册（限组织部和党(工)委工作人员）")
        try:
            table = read_table(file, expected_header=MEMBER_REQUIRED_HEADER)
        except (TableError, OSError) as exc:
            raise CommandError(f"无法读取党员名册文件：{exc}") from exc
        result = members_import(table=table, actor=actor, dry_run=dry_run, source=str(file).rsplit("/", 1)[-1])
        if format == "json":
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
            return
        for r in result.rows:
            for e in r.errors:
                self.stdout.write(f"第 {r.row} 行 {r.name}【{e['field']}】{e['message']}")
        for r in result.rows:
            for w in r.warnings:
                self.stdout.write(f"第 {r.row} 行 {r.name}【{w['field']}】提示：{w['message']}")
        verb = "校验完成（未写入）" if dry_run else "导入完成"
        summary = (
            f"{verb}：共 {len(result.rows)} 行，有效 {result.ok_rows} 行（新建 {result.created}，更新 {result.updated}，"
            f"无变化 {result.unchanged}；处分记录 {result.penalties} 条），有错误 {result.error_rows} 行未写入"
        )
        self.stdout.write(self.style.SUCCESS(summary) if not result.error_rows else self.style.WARNING(summary))
