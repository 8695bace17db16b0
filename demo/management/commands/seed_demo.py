import datetime as dt

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from applicants.handoffs import handoffs_muted
from demo import inspections, jobs, pipeline, quotas, reviews
from demo.county import DEMO_PASSWORD, DEMO_USERS, seed_county

# After the county (organizations, members, users), in this order.
PHASES = [pipeline, reviews, quotas, jobs, inspections]


class Command(BaseCommand):
    help = "生成演示县的数据（组织、党员、各角色演示用户，以及各模块的演示数据）；可重复执行"

    def add_arguments(self, parser):
        parser.add_argument("--today", help="按此日期生成（YYYY-MM-DD），默认今天")
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, today=None, quiet=False, **options):
        today = dt.date.fromisoformat(today) if today else timezone.localdate()
        log = (lambda *a: None) if quiet else self.progress
        log(f"生成演示县数据（按 {today:%Y-%m-%d}）；首次运行需要几分钟…")
        # Seeding replays years of work at once: those are not hand-offs to tell anyone about.
        with transaction.atomic(), handoffs_muted():
            county = seed_county(today=today, log=log)
            for module in PHASES:
                module.seed(county=county, today=today, log=log)
        if not quiet:
            self.stdout.write(self.style.SUCCESS(f"演示数据已就绪。演示账号（密码均为 {DEMO_PASSWORD}）："))
            for username, display, role, _code in DEMO_USERS:
                self.stdout.write(f"  {username:<10} {role.label:<14} {display}")
            self.stdout.write(f"  {'admin':<10} {'系统管理员':<14} 后台 /admin/")

    def progress(self, msg: str) -> None:
        """One line per phase (and every 100 people while the applicants are generated), shown at once
        even when the output is piped."""
        self.stdout.write(msg)
        self.stdout.flush()
