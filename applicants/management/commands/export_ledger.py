from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from applicants.ledger import ledger_export
from applicants.models import AccessKind, Applicant
from applicants.services import access_record
from recruitment.models import Organization


class Command(BaseCommand):
    help = (
        "导出发展党员台账（.xlsx 或 .csv，与 import_ledger 相同的表头和格式，含完整公民身份号码，记入访问记录）；"
        "--org 只导出该组织及其下级"
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--org", help="党组织编码（含下级）")

    def handle(self, *args, file, org, **options):
        path = Path(file)
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in {"xlsx", "csv"}:
            raise CommandError("文件名须以 .xlsx 或 .csv 结尾")
        qs = Applicant.objects.all()
        if org:
            node = Organization.objects.filter(code=org).first()
            if node is None:
                raise CommandError(f"找不到编码为 {org} 的党组织")
            qs = qs.filter(branch__path__startswith=node.path)
        data = ledger_export(queryset=qs, fmt=fmt)
        path.write_bytes(data)
        count = qs.count()
        # Full 公民身份号码 (re-import keys on them): logged like the browser's export, by the command line.
        access_record(
            actor=None,
            kind=AccessKind.EXPORT,
            what=f"命令行 export_ledger（含完整公民身份号码）：{path.name}，{count} 人，范围 {org or '全部'}",
        )
        self.stdout.write(self.style.SUCCESS(f"已导出 {count} 人到 {path}"))
