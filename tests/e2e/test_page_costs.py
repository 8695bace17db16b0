"""The CPU a branch secretary's page costs on the demo county, as a multiple of a bare view measured in
the same process (issue 14: ≤ 10×). Printed, not asserted: timings are measured in bench/, never
asserted in tests. Runs in the journeys' session, which holds the demo county."""

import statistics
import time

from django.test import Client

PAGES = [
    ("发展对象列表", "/applicants/"),
    ("待办提醒", "/applicants/todo/"),
    ("首页", "/"),
    ("个人时间线", "/applicants/{pk}/"),
    ("一人一档", "/applicants/{pk}/archive/"),
    ("政审与责任链", "/reviews/applicants/{pk}/"),
    ("预判分析台账", "/reviews/ledger/"),
    ("预判分析条目", "/reviews/entries/{entry}/"),
    ("报送台账", "/reviews/ledger/submit/"),
    ("新增入党申请人", "/applicants/new/"),
    ("整改事项", "/inspections/findings/"),
    ("消息", "/jobs/inbox/"),
    ("党员名册", "/org/members/"),
    ("组织", "/org/orgs/"),
    ("台账导入", "/ledger/"),
]


def cpu_ms(client: Client, path: str, repeat: int = 7) -> float:
    client.get(path)  # warm: templates, caches
    samples = []
    for _ in range(repeat):
        start = time.process_time()
        response = client.get(path)
        samples.append(time.process_time() - start)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(samples) * 1000


def test_branch_secretary_pages_cost_a_small_multiple_of_a_bare_view(demo, db_access, capsys):
    from applicants.models import Applicant
    from recruitment.models import User
    from reviews.models import LedgerEntry

    secretary = User.objects.get(username="zhibu")
    client = Client()
    client.force_login(secretary)
    people = list(Applicant.objects.visible_to(secretary).filter(status="active").values_list("pk", flat=True)[:5])
    entries = list(LedgerEntry.objects.visible_to(secretary).values_list("pk", flat=True)[:3])
    bare = cpu_ms(client, "/healthz")
    lines = [f"{'裸视图 /healthz':<16} {bare:7.2f} ms  1.0×"]
    for name, path in PAGES:
        if "{pk}" in path:
            costs = [cpu_ms(client, path.format(pk=pk), repeat=3) for pk in people]
        elif "{entry}" in path:
            costs = [cpu_ms(client, path.format(entry=pk), repeat=3) for pk in entries]
        else:
            costs = [cpu_ms(client, path)]
        ms = statistics.median(costs)
        lines.append(f"{name:<16} {ms:7.2f} ms  {ms / bare:4.1f}×")
    with capsys.disabled():
        print("\n--- CPU per request on the demo county (branch secretary), × the bare view ---")
        print("\n".join(lines))
