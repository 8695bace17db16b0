from django.core.management.base import BaseCommand, CommandError

from recruitment.services import ORG_IMPORT_HEADER, organizations_import
from recruitment.tabular import TableError, read_table


class Command(BaseCommand):
    help = (
        "导入党组织（.csv UTF-8 或 .xlsx，表头：编码,名称,上级编码,层级,领域,成立日期；可选列：最近发展党员日期）；"
        "按编码新增或更新，有错误则不写入任何数据"
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")

    def handle(self, *args, file, dry_run, **options):
        try:
            table = read_table(file, expected_header=ORG_IMPORT_HEADER)
        except (TableError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        result = organizations_import(table=table, dry_run=dry_run)
        if result.errors:
            for err in result.errors:
                self.stderr.write(str(err))
            raise CommandError(f"共 {len(result.errors)} 处错误，未写入任何数据")
        verb = "校验通过（未写入）" if dry_run else "导入完成"
        self.stdout.write(
            self.style.SUCCESS(f"{verb}：新增 {result.created}，更新 {result.updated}，未变 {result.unchanged}")
        )
