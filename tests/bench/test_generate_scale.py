"""generate_scale at a tiny size: the tree, the denormalized state and the rules hold, and a seed
gives the same province twice. The generator writes with COPY, so these run on PostgreSQL only."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Max

from applicants.models import Applicant, ApplicantStatus, ProbationChange, StepRecord
from bench.generate import GenerationRefused, generate
from bench.scale import Params
from recruitment.dates import add_years, age_on
from recruitment.idcard import parse_id_number
from recruitment.models import Organization, OrgLevel
from reviews.models import EntryStatus, LedgerEntry

TODAY = dt.date(2026, 6, 30)
TINY = Params(orgs=80, people=600, years=5, seed=7, today=TODAY)

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="generate_scale needs PostgreSQL (COPY)")


def run(params=TINY, **kw):
    return generate(params, jobs=1, vacuum=False, log=lambda m: None, **kw)


def fingerprint() -> str:
    with connection.cursor() as c:
        c.execute("""
            SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
              SELECT concat_ws(',', id, code, name, path, sector, founded_on) AS x FROM recruitment_organization
              UNION ALL SELECT concat_ws(',', id, name, id_number, branch_id, status, current_step, applied_on, admitted_on,
                                         probation_end, member_id) FROM applicants_applicant
              UNION ALL SELECT concat_ws(',', id, applicant_id, step, date, data::text, actor_id) FROM applicants_steprecord
              UNION ALL SELECT concat_ws(',', id, applicant_id, year, status, tier) FROM reviews_ledgerentry) t""")
        return c.fetchone()[0]


@on_postgres
@pytest.mark.django_db
def test_paths_and_depths_follow_the_parent_chain():
    run()
    orgs = {o.pk: o for o in Organization.objects.all()}
    assert len(orgs) == TINY.orgs
    for o in orgs.values():
        parent_path = orgs[o.parent_id].path if o.parent_id else ""
        assert o.path == parent_path + f"{o.pk:08x}"
        assert o.depth == len(o.path) // 8 - 1
    root = Organization.objects.get(parent=None)
    assert root.level == OrgLevel.DEPARTMENT
    branches = Organization.objects.branches()
    assert branches.count() > 50
    # every branch sits under a committee with approval power, and the subtree query finds them all
    assert all(b.upper_committee() is not None for b in branches[:20])
    assert Organization.objects.subtree(root).branches().count() == branches.count()
    rural = branches.filter(sector="农村（社区）").count() / branches.count()
    assert 0.45 < rural < 0.65


@on_postgres
@pytest.mark.django_db
def test_denormalized_applicant_state_matches_the_step_records():
    run()
    dates = {}
    for applicant_id, step, date in StepRecord.objects.values_list("applicant_id", "step", "date"):
        dates.setdefault(applicant_id, {})[step] = date
    extended = {p.applicant_id: p for p in ProbationChange.objects.all()}
    applicants = list(Applicant.objects.select_related("branch"))
    assert len(applicants) == TINY.people
    assert {a.current_step for a in applicants} >= {1, 2, 6, 21, 25}
    for a in applicants:
        d = dates.get(a.pk, {})
        assert sorted(d) == list(range(1, a.current_step + 1)), a.pk
        ordered = [d[s] for s in sorted(d)]
        assert ordered == sorted(ordered) and (not ordered or ordered[-1] <= TODAY)
        assert a.applied_on == d.get(1) and a.talked_on == d.get(2) and a.activist_on == d.get(3)
        assert a.candidate_on == d.get(7) and a.branch_meeting_on == d.get(15) and a.admitted_on == d.get(17)
        assert a.conversion_meeting_on == d.get(23) and a.converted_on == d.get(24)
        assert a.last_step_on == (ordered[-1] if ordered else None)
        if a.candidate_on:  # R6
            assert a.candidate_on >= add_years(a.activist_on, 1)
        if a.branch_meeting_on:  # R13, with an extension recorded as a ProbationChange
            expected_end = extended[a.pk].new_end if a.pk in extended else add_years(a.branch_meeting_on, 1)
            assert a.probation_end == expected_end and a.probation_extended == (a.pk in extended)
        if a.conversion_meeting_on:  # R14
            assert a.conversion_meeting_on >= a.probation_end
        if a.admitted_on:
            assert (a.admitted_branch_id, a.admitted_sector) == (a.branch_id, a.branch.sector)
            assert a.admitted_age == age_on(a.birth_date, a.admitted_on)
            assert a.member is not None and a.member.id_number == a.id_number
        else:
            assert a.member_id is None and a.admitted_sector == ""
        assert (a.status == ApplicantStatus.MEMBER) == (a.current_step == 25)
        assert parse_id_number(a.id_number).birth_date == a.birth_date
    assert Applicant.objects.values("id_number").annotate(n=Count("id")).filter(n__gt=1).count() == 0


@on_postgres
@pytest.mark.django_db
def test_the_stored_next_to_do_item_is_filled_as_the_services_keep_it():
    from applicants.due import compute
    from applicants.rulebook import RuleSet
    from applicants.selectors import with_due_facts

    run()
    ruleset = RuleSet.load()
    people = list(with_due_facts(Applicant.objects.all()))
    assert sum(1 for a in people if a.next_due_on) > 0
    for a in people:
        assert (a.next_due_kind, a.next_due_on) == compute(a, today=TODAY, ruleset=ruleset), a.pk


@on_postgres
@pytest.mark.django_db
def test_the_ledger_entries_carry_their_persons_snapshot_as_the_services_keep_it():
    from reviews import snapshot
    from reviews.models import LedgerEntry

    run()
    assert (
        LedgerEntry.objects.filter(pending=True).exists() and LedgerEntry.objects.filter(branch__isnull=False).exists()
    )
    assert snapshot.stale() == 0


@on_postgres
@pytest.mark.django_db
def test_everyone_received_passed_all_three_review_tiers_before_the_branch_meeting():
    run()
    received = Applicant.objects.filter(current_step__gte=15)
    assert received.exists()
    for a in received:
        entry = LedgerEntry.objects.get(applicant=a)
        assert entry.status == EntryStatus.PASSED and entry.tier == 3
        decisions = list(entry.decisions.order_by("tier"))
        assert [(d.tier, d.verdict) for d in decisions] == [(1, "pass"), (2, "pass"), (3, "pass")]
        assert max(d.decided_on for d in decisions) <= a.branch_meeting_on
        assert entry.year == a.admitted_on.year if a.admitted_on else True


@on_postgres
@pytest.mark.django_db
def test_the_same_seed_gives_the_same_province_and_another_seed_another():
    run()
    first = fingerprint()
    assert run()["skipped"] is True  # same parameters already there
    run(regenerate=True)
    assert fingerprint() == first
    run(Params(orgs=80, people=600, years=5, seed=8, today=TODAY))
    assert fingerprint() != first


@on_postgres
@pytest.mark.django_db
def test_sequences_continue_after_the_generated_ids():
    run()
    top = Organization.objects.aggregate(m=Max("id"))["m"]
    org = Organization.objects.create(
        code="NEW", name="新建党支部", level=OrgLevel.BRANCH, parent=Organization.objects.get(parent=None)
    )
    assert org.pk == top + 1


@on_postgres
@pytest.mark.django_db
def test_refuses_a_database_holding_real_data_unless_forced():
    Organization.objects.create(code="REAL", name="真实的县委组织部", level=OrgLevel.DEPARTMENT)
    with pytest.raises(GenerationRefused, match="--force"):
        run()
    with pytest.raises(CommandError, match="已有数据"):
        call_command("generate_scale", orgs=80, people=10, jobs=1, no_vacuum=True, today="2026-06-30")
    run(force=True)
    assert not Organization.objects.filter(code="REAL").exists()


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite refusal")
def test_refuses_sqlite_with_a_clear_message():
    with pytest.raises(CommandError, match="只支持 PostgreSQL"):
        call_command("generate_scale", orgs=80, people=10)
