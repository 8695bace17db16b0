import datetime as dt
import time

from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from applicants.handoffs import handoffs_muted
from demo import inspections, jobs, pipeline, quotas, reviews
from demo.county import DEMO_PASSWORD, DEMO_USERS, seed_county

# After the county (organizations, members, users), in this order.
PHASES = [pipeline, reviews, quotas, jobs, inspections]
STAGES = [
    "组织、党员与演示用户",
    "发展对象（25 步纪实）",
    "预判分析台账与审核",
    "年度计划与比例",
    "任务与提醒",
    "档案抽查",
]


class Command(BaseCommand):
    help = "生成演示县的数据（组织、党员、各角色演示用户，以及各模块的演示数据）；可重复执行"

    def add_arguments(self, parser):
        parser.add_argument("--today", help="按此日期生成（YYYY-MM-DD），默认今天")
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, today=None, quiet=False, **options):
        today = dt.date.fromisoformat(today) if today else timezone.localdate()
        self.started = time.monotonic()
        log = (lambda *a: None) if quiet else self.progress
        log(f"生成演示县数据（按 {today:%Y-%m-%d}）；首次运行需要几分钟，共 {len(STAGES)} 个阶段…")
        # Seeding replays years of work at once: those are not hand-offs to tell anyone about.
        with transaction.atomic(), handoffs_muted():
            log(f"阶段 1/{len(STAGES)}：{STAGES[0]}")
            county = seed_county(today=today, log=log)
            for number, (module, stage) in enumerate(zip(PHASES, STAGES[1:], strict=True), start=2):
                log(f"阶段 {number}/{len(STAGES)}：{stage}")
                module.seed(county=county, today=today, log=log)
        cache.clear()  # pages cached from an earlier database: its change marks may be the same numbers
        if not quiet:
            self.progress("全部阶段完成")
            self.stdout.write(self.style.SUCCESS(f"演示数据已就绪。演示账号（密码均为 {DEMO_PASSWORD}）："))
            for username, display, role, _code in DEMO_USERS:
                self.stdout.write(f"  {username:<10} {role.label:<14} {display}")
            self.stdout.write(f"  {'admin':<10} {'系统管理员':<14} 后台 /admin/")

    def progress(self, msg: str) -> None:
        """One line per phase (and every 100 people while the applicants are generated), shown at once
        even when the output is piped, each with the time since the start."""
        self.stdout.write(f"[{time.monotonic() - self.started:6.1f} 秒] {msg}")
        self.stdout.flush()
