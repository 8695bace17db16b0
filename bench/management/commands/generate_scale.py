import datetime as dt
import os

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from bench.generate import GenerationRefused, existing_date, generate
from bench.scale import BENCH_PASSWORD, Params


class Command(BaseCommand):
    help = (
        "生成省级规模的基准数据（省委组织部→市→县→党(工)委→党支部，人员分布在 25 个步骤和各年度）。"
        "只支持 PostgreSQL；拒绝在已有真实数据的库上运行（除非 --force）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--orgs", type=int, default=200_000, help="组织数（默认 200000）")
        parser.add_argument("--people", type=int, default=2_000_000, help="入党申请人数（默认 2000000）")
        parser.add_argument("--years", type=int, default=5, help="申请日期覆盖的年数（默认 5）")
        parser.add_argument("--seed", type=int, default=1, help="随机种子（相同参数生成相同数据）")
        parser.add_argument("--today", help="以此日期为“今天”（YYYY-MM-DD），默认今天")
        parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="并行生成的进程数")
        parser.add_argument("--force", action="store_true", help="库中已有非生成数据时也清空并生成")
        parser.add_argument("--regenerate", action="store_true", help="参数相同也重新生成")
        parser.add_argument(
            "--keep-date", action="store_true", help="库中已有相同参数（仅日期不同）生成的数据时沿用，不重新生成"
        )
        parser.add_argument("--no-vacuum", action="store_true", help="生成后只 ANALYZE，不 VACUUM")

    def handle(self, *args, orgs, people, years, seed, today, jobs, force, regenerate, no_vacuum, keep_date, **options):
        if orgs < 15 or people < 0 or years < 1:
            raise CommandError("参数无效：--orgs 至少 15，--people 不能为负，--years 至少 1")
        day = dt.date.fromisoformat(today) if today else timezone.localdate()
        if keep_date and not today and not regenerate:
            day = existing_date(orgs=orgs, people=people, years=years, seed=seed) or day
        params = Params(orgs=orgs, people=people, years=years, seed=seed, today=day)
        try:
            result = generate(
                params,
                jobs=jobs,
                force=force,
                regenerate=regenerate,
                vacuum=not no_vacuum,
                log=lambda m: self.stdout.write(m),
            )
        except (GenerationRefused, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        if not result["skipped"]:
            secs = result["seconds"]
            self.stdout.write(
                self.style.SUCCESS(
                    f"生成完成，用时 {secs['total']:.1f} s（树 {secs['tree']:.1f}，人员 {secs['people']:.1f}，"
                    f"索引 {secs['indexes']:.1f}，VACUUM/ANALYZE {secs['analyze']:.1f}）。"
                    f"账号用户名为组织编码小写（如 sx、sx01、sx0101），密码 {BENCH_PASSWORD}"
                )
            )
