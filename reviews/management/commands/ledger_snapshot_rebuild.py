import time

from django.core.management.base import BaseCommand

from reviews import snapshot


class Command(BaseCommand):
    help = "重写预判分析台账条目中的人员快照（所在党支部、是否待接收）：批量导入后运行；每晚由定时任务运行。幂等。"

    def handle(self, *args, **options):
        started = time.monotonic()
        written = snapshot.rebuild()
        self.stdout.write(
            self.style.SUCCESS(f"台账人员快照已重写：{written} 条，用时 {time.monotonic() - started:.1f} s")
        )
