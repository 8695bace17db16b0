"""The demo applicants: every step occupied, the demo users' branches filled, reminders and
terminal outcomes present, the records consistent, and a second seed adds nothing. ``--quiet``
prints nothing; otherwise each phase reports its counts."""

import datetime as dt
import io
import re

from django.core.management import call_command
from django.db.models import Count, Max

from applicants.models import Applicant, ApplicantStatus, Event, StepRecord
from demo.management.commands.seed_demo import STAGES
from tests.clock import TODAY


def test_demo_seed_fills_the_county_consistently_and_only_once(db):
    out = io.StringIO()
    call_command("seed_demo", "--quiet", "--today", TODAY.isoformat(), stdout=out)
    assert out.getvalue() == ""
    people = Applicant.objects.all()
    assert 600 <= people.count() <= 900
    # Listed as 发展对象 since 2026-05-11, a person has step 8 (the consent) done as well: nobody rests at 7.
    assert set(people.values_list("current_step", flat=True)) >= set(range(1, 26)) - {7}
    for code in ("HC0101", "HC0201"):
        steps = set(people.filter(branch__code=code).values_list("current_step", flat=True))
        assert {6, 8, 14, 15, 17, 22} <= steps and len(steps) >= 19
    # people on both sides of the 2026 revision; after it, consent (step 8) and 公示 came before the listing
    new_rules = dt.date(2026, 5, 11)
    assert people.filter(candidate_on__lt=new_rules).exists()
    listed_2026 = people.filter(candidate_on__gte=new_rules)
    assert listed_2026.count() >= 10
    for a in listed_2026[:20]:
        consent = StepRecord.objects.get(applicant=a, step=8)
        assert consent.date < a.candidate_on and a.publicities.filter(end__lt=a.candidate_on).exists()
    assert people.filter(branch__code__startswith="HC10", current_step__range=(7, 16)).exists()
    statuses = dict(people.values_list("status").annotate(n=Count("id")))
    assert statuses[ApplicantStatus.NOT_DEVELOPED] >= 3 and statuses[ApplicantStatus.CANCELLED] == 1
    assert people.filter(transfers__isnull=False).count() == 1 and people.filter(probation_extended=True).count() == 1
    assert Event.objects.filter(kind="refused", step=7, rules__0__rule="R6").count() >= 2
    # reminders: talk overdue, approval near 3 months, probation over without a conversion meeting
    assert people.filter(status="active", current_step=1, applied_on__lt=TODAY - dt.timedelta(days=40)).exists()
    assert people.filter(current_step=16, branch_meeting_on__lt=TODAY - dt.timedelta(days=69)).exists()
    assert people.filter(status="active", current_step=22, probation_end__lt=TODAY).exists()
    # consistent: current step = highest record, no gaps
    stats = StepRecord.objects.values("applicant").annotate(top=Max("step"), n=Count("id"))
    assert all(s["top"] == s["n"] for s in stats)
    assert all(Applicant.objects.get(pk=s["applicant"]).current_step == s["top"] for s in stats[:50])
    # this year's intake breaks the 非公企业 ≤ 20% share; earlier years keep it
    for year, over in ((TODAY.year, True), (TODAY.year - 1, False)):
        admitted = people.filter(admitted_on__year=year)
        share = admitted.filter(admitted_sector="非公企业").count() / admitted.count()
        assert (share > 0.20) is over
    from recruitment.models import Organization, PartyMember, User
    from reviews.models import LedgerEntry, ReviewDecision

    assert Organization.objects.count() > 200
    assert Organization.objects.filter(level="党支部").values("sector").distinct().count() == 5

    def counts():
        return tuple(
            m.objects.count()
            for m in (Applicant, StepRecord, Event, Organization, PartyMember, User, LedgerEntry, ReviewDecision)
        )

    before = counts()
    out = io.StringIO()
    call_command("seed_demo", "--today", TODAY.isoformat(), stdout=out)
    assert counts() == before
    # Each progress line carries the time since the start ("[   0.3 秒] "); the messages follow it.
    lines = [re.sub(r"^\[\s*[\d.]+ 秒\] ", "", line) for line in out.getvalue().splitlines()]
    assert [line for line in lines if line.startswith("阶段 ")] == [
        f"阶段 {n}/{len(STAGES)}：{stage}" for n, stage in enumerate(STAGES, start=1)
    ]
    county = next(line for line in lines if line.startswith("组织与党员："))
    assert "个组织" in county and "名党员" in county
    assert "发展对象：演示县已有数据，未新增" in lines
    assert any(line.startswith("预判分析台账：") for line in lines)
    assert any(line.startswith("计划与比例：") for line in lines)
    assert any(line.startswith("预警扫描：") for line in lines)
    assert any(line.startswith("演示数据已就绪") for line in lines)
    _stale_list_agrees_with_the_register()


def _stale_list_agrees_with_the_register():
    """Issue 13: the demo's stale list, its seeding summary and the 党员名册 tell one story — no red
    branch has a recruit in the window from any source, and 发展历史不详 only where nothing is known."""
    import json

    from jobs.models import StaleFlag, StaleScan
    from recruitment.dates import add_years
    from recruitment.models import Organization, PartyMember

    window = add_years(TODAY, -3)
    scan = StaleScan.objects.get(as_of=TODAY)
    live = io.StringIO()
    call_command("stale_orgs", "--as-of", TODAY.isoformat(), "--format", "json", stdout=live)
    data = json.loads(live.getvalue())
    assert (len(data["red"]), len(data["watch"])) == (scan.red_count, scan.watch_count)
    red = {e["org"] for e in data["red"]}
    assert not PartyMember.objects.filter(branch__code__in=red, joined_on__gt=window).exists()
    assert not Applicant.objects.filter(admitted_branch__code__in=red, admitted_on__gt=window).exists()
    unknown = [e["org"] for e in data["red"] if e["reason"] == "unknown"]
    assert 1 <= len(unknown) <= 2 and "never" not in {e["reason"] for e in data["red"]}
    for code in unknown:
        assert Organization.objects.get(code=code).last_recruit_on is None
        assert not Applicant.objects.filter(admitted_branch__code=code).exists()
    assert {e["last_source"] for e in data["red"]} >= {"import", "approval"}
    assert StaleFlag.objects.filter(scan=scan, last_source="register").exists()
