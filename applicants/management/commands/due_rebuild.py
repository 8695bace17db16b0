import datetime as dt
import time

from django.core.management.base import BaseCommand

from applicants.due import rebuild


class Command(BaseCommand):
    help = "重算每个人的下一待办（next_due_kind / next_due_on）：迁移后、规则变动后运行；每晚由定时任务运行。幂等。"

    def add_arguments(self, parser):
        parser.add_argument("--today", help="以此日期为“今天”（YYYY-MM-DD），默认今天")

    def handle(self, *args, today=None, **options):
        started = time.monotonic()
        day = dt.date.fromisoformat(today) if today else None
        result = rebuild(today=day, log=lambda m: self.stdout.write(m))
        self.stdout.write(
            self.style.SUCCESS(
                f"下一待办已重算：培养中 {result['active']} 人，更新 {result['changed']} 人，"
                f"清除 {result['cleared']} 人，用时 {time.monotonic() - started:.1f} s"
            )
        )
