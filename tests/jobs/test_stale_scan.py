"""The stale-organization scan: red (3 years, must be cleared) and watch (2 years / no reserve)."""

import datetime as dt

import pytest

from applicants.models import ApplicantStatus
from jobs.models import StaleChange, StaleFlag, StaleScan
from jobs.stale import Thresholds, stale_evaluate, stale_scan_run
from recruitment.models import MemberStatus, Organization, RuleDefinition

from .conftest import admitted, member, person

D = dt.date
AS_OF = D(2026, 11, 22)


def flags_by_code(as_of=AS_OF, reserve_min=None):
    t = Thresholds.in_force(as_of, reserve_min)
    return {s.code: (s.level, s.reason) for s in stale_evaluate(as_of=as_of, thresholds=t)}


def with_reserve(branch, n=1):
    for _ in range(n):
        person(branch, step=5)


def test_approval_exactly_three_years_before_is_outside_the_window_so_red(make_branch):
    b = make_branch("X1")
    admitted(b, D(2023, 11, 22))
    with_reserve(b)
    assert flags_by_code()["X1"] == ("red", "3y")


def test_approval_one_day_inside_three_years_is_not_red_but_watch_for_two_years(make_branch):
    b = make_branch("X1")
    admitted(b, D(2023, 11, 23))
    with_reserve(b)
    assert flags_by_code()["X1"] == ("watch", "2y")


def test_old_branch_with_no_recruit_from_any_source_is_red_with_unknown_history(make_branch):
    make_branch("X1")  # founded 1990, nothing in the system, no 最近发展党员日期
    assert flags_by_code()["X1"] == ("red", "unknown")


def test_branch_founded_two_years_ago_is_not_red_yet_but_watched(make_branch):
    b = make_branch("X1", founded=D(2024, 11, 22))
    with_reserve(b)
    assert flags_by_code()["X1"] == ("watch", "2y")


def test_branch_founded_exactly_three_years_ago_counts_as_old_enough_for_red(make_branch):
    make_branch("OLD", founded=D(2023, 11, 22))
    b = make_branch("YOUNG", founded=D(2023, 11, 23))
    with_reserve(b)
    flags = flags_by_code()
    assert flags["OLD"] == ("red", "never")
    assert flags["YOUNG"] == ("watch", "2y")


def test_branch_younger_than_two_years_is_only_watched_for_its_reserve(make_branch):
    make_branch("NEW", founded=D(2025, 6, 1))
    staffed = make_branch("NEW2", founded=D(2025, 6, 1))
    with_reserve(staffed)
    flags = flags_by_code()
    assert flags["NEW"] == ("watch", "reserve")
    assert "NEW2" not in flags


def test_approval_exactly_two_years_before_is_watch_and_one_day_later_is_clear(make_branch):
    b1, b2 = make_branch("X1"), make_branch("X2")
    admitted(b1, D(2024, 11, 22))
    admitted(b2, D(2024, 11, 23))
    with_reserve(b1)
    with_reserve(b2)
    flags = flags_by_code()
    assert flags["X1"] == ("watch", "2y")
    assert "X2" not in flags


def test_reserve_counts_only_active_activists_and_candidates_before_approval(make_branch):
    b = make_branch("X1")
    admitted(b, D(2026, 1, 1))
    person(b, step=2)  # applicant, not yet activist
    person(b, step=17, admitted_on=D(2026, 3, 1))  # already a probationary member
    person(b, step=8, status=ApplicantStatus.NOT_DEVELOPED)
    person(b, step=9, status=ApplicantStatus.TRANSFERRED_OUT)
    assert flags_by_code()["X1"] == ("watch", "reserve")
    person(b, step=3)
    assert "X1" not in flags_by_code()
    person(b, step=16)
    assert "X1" not in flags_by_code(reserve_min=2)
    assert flags_by_code(reserve_min=3)["X1"] == ("watch", "reserve")


def test_reserve_threshold_is_rule_data_in_force_on_the_date(make_branch):
    b = make_branch("X1")
    admitted(b, D(2026, 1, 1))
    with_reserve(b, 2)
    assert "X1" not in flags_by_code()
    RuleDefinition.objects.filter(code="STALE").update(params={"red_years": 3, "watch_years": 2, "reserve_min": 3})
    assert flags_by_code()["X1"] == ("watch", "reserve")


def test_branch_failing_both_watch_criteria_has_reason_two_years(make_branch):
    b = make_branch("X1")
    admitted(b, D(2024, 6, 1))
    assert flags_by_code()["X1"] == ("watch", "2y")  # its reserve is zero as well


def test_admission_counts_for_the_branch_at_approval_not_the_current_one(make_branch):
    then, now = make_branch("THEN"), make_branch("NOW")
    moved = person(now, step=17, admitted_on=D(2026, 1, 1), admitted_branch=then)
    assert moved.branch == now
    with_reserve(then)
    flags = flags_by_code()
    assert "THEN" not in flags
    assert flags["NOW"] == ("red", "unknown")


def test_approvals_after_the_as_of_date_are_ignored(make_branch):
    b = make_branch("X1")
    admitted(b, D(2026, 12, 1))
    assert flags_by_code()["X1"] == ("red", "unknown")
    with_reserve(b)
    assert "X1" not in flags_by_code(as_of=D(2026, 12, 1))


def test_inactive_branches_and_branches_founded_after_the_date_are_not_scanned(make_branch):
    make_branch("GONE", is_active=False)
    make_branch("FUTURE", founded=D(2027, 1, 1))
    flags = flags_by_code()
    assert "GONE" not in flags and "FUTURE" not in flags


def test_committees_are_not_scanned_only_branches(world):
    codes = flags_by_code()
    assert "A" not in codes and "ROOT" not in codes and "A1" in codes


@pytest.mark.parametrize(("last", "level"), [(D(2025, 3, 1), ("red", "3y")), (D(2025, 3, 2), ("watch", "2y"))])
def test_29_february_as_of_date_maps_the_window_start_to_1_march(make_branch, last, level):
    b = make_branch("X1")
    admitted(b, last)
    with_reserve(b)
    assert flags_by_code(as_of=D(2028, 2, 29))["X1"] == level


def test_unknown_founding_date_does_not_excuse_a_branch(make_branch):
    make_branch("X1", founded=None)
    assert flags_by_code()["X1"] == ("red", "unknown")  # still red; its history is what is unknown


# --- stored scans -------------------------------------------------------------------------------


def test_scan_stores_flags_with_last_admission_and_reserve(make_branch):
    b = make_branch("X1")
    admitted(b, D(2020, 5, 4))
    with_reserve(b, 2)
    scan = stale_scan_run(as_of=AS_OF)
    flag = StaleFlag.objects.get(scan=scan, org=b)
    assert (flag.level, flag.reason, flag.last_admitted, flag.reserve) == ("red", "3y", D(2020, 5, 4), 2)
    assert scan.red_count == StaleFlag.objects.filter(scan=scan, level="red").count()
    assert scan.branch_count >= 4


def test_second_scan_for_the_same_date_replaces_the_first(make_branch):
    make_branch("X1")
    first = stale_scan_run(as_of=AS_OF)
    second = stale_scan_run(as_of=AS_OF)
    assert first.pk == second.pk
    assert StaleScan.objects.count() == 1
    assert StaleFlag.objects.filter(scan=second, org__code="X1").count() == 1


def test_history_records_when_a_branch_enters_and_leaves_a_list(make_branch):
    b = make_branch("X1")
    with_reserve(b)
    stale_scan_run(as_of=D(2026, 10, 1))
    admitted(b, D(2026, 10, 15))
    stale_scan_run(as_of=D(2026, 11, 1))
    entered = StaleChange.objects.get(org=b, scan__as_of=D(2026, 10, 1))
    left = StaleChange.objects.get(org=b, scan__as_of=D(2026, 11, 1))
    assert (entered.before, entered.after, entered.label) == ("", "red", "列入红色名单")
    assert (left.before, left.after, left.label) == ("red", "", "移出红色名单")
    assert not StaleFlag.objects.filter(org=b, scan__as_of=D(2026, 11, 1)).exists()


def test_flag_remembers_the_previous_scans_level(make_branch):
    b = make_branch("X1")
    admitted(b, D(2024, 1, 1))
    stale_scan_run(as_of=D(2026, 11, 1))
    stale_scan_run(as_of=D(2027, 2, 1))
    flag = StaleFlag.objects.get(org=b, scan__as_of=D(2027, 2, 1))
    assert (flag.previous_level, flag.level, flag.is_new) == ("watch", "red", True)


def _branches(world, n, prefix):
    from tests.factories import OrganizationFactory

    for i in range(n):
        b = OrganizationFactory(code=f"{prefix}{i:03d}", parent=world.b)
        if i % 3 == 0:
            admitted(b, D(2025, 1, 1))
        if i % 2 == 0:
            person(b, step=6)


def test_scan_runs_a_constant_number_of_queries_whatever_the_number_of_branches(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _branches(world, 5, "S")
    stale_scan_run(as_of=D(2026, 11, 21))
    with CaptureQueriesContext(connection) as small:
        stale_scan_run(as_of=D(2026, 11, 22))
    _branches(world, 60, "L")
    with CaptureQueriesContext(connection) as large:
        stale_scan_run(as_of=D(2026, 11, 23))
    # the large run also inserts list changes (the 60 new branches entered): one more statement
    assert len(large.captured_queries) <= len(small.captured_queries) + 1
    assert len(large.captured_queries) <= 20, [q["sql"][:80] for q in large.captured_queries]


def test_province_and_subtree_forms_of_the_scan_agree(world, make_branch):
    """The whole-province scan (GROUP BY aggregates) and a committee's (correlated lookups) are
    two SQL forms of one rule: on a mix of cases — every source of a recruit, the window's edges,
    unknown history — they flag the same branches the same way, with the same dates and sources."""
    cases = [
        make_branch("M1"),
        make_branch("M2"),
        make_branch("M3", founded=D(2025, 1, 1)),
        make_branch("M4"),
        make_branch("M5", founded=None),
        make_branch("M6"),
        make_branch("M7", last_recruit_on=D(2023, 11, 22)),
        make_branch("M8", last_recruit_on=D(2024, 11, 23)),
        make_branch("M9", founded=D(2023, 11, 22)),
        make_branch("MA", last_recruit_on=D(2025, 1, 1)),
        make_branch("MB", last_recruit_on=D(2027, 1, 1)),
        make_branch("MC"),
    ]
    admitted(cases[0], D(2023, 11, 22))
    with_reserve(cases[0])
    admitted(cases[1], D(2026, 2, 1))
    with_reserve(cases[2])
    admitted(cases[3], D(2024, 11, 23))
    person(cases[3], step=16)
    person(cases[3], step=17, admitted_on=D(2027, 1, 1))
    member(cases[5], D(2023, 11, 22))  # on the window's first day: 3 years → red, its date known
    member(cases[5], D(2010, 6, 1))
    with_reserve(cases[6])
    with_reserve(cases[7])
    admitted(cases[9], D(2024, 3, 1))
    member(cases[9], D(2024, 6, 1))  # the import (2025-01-01) is the latest of the three
    member(cases[10], D(2026, 12, 1))  # after the date: nothing counts, the import is later too
    member(cases[11], D(2026, 7, 31), status=MemberStatus.PROBATIONARY)
    with_reserve(cases[11])
    t = Thresholds.in_force(AS_OF)
    whole = {s.code: s for s in stale_evaluate(as_of=AS_OF, thresholds=t)}
    subtree = {s.code: s for s in stale_evaluate(as_of=AS_OF, thresholds=t, within=world.a)}
    in_a = {code: s for code, s in whole.items() if code in subtree or code.startswith(("A", "M"))}
    assert subtree == in_a
    assert {
        c: (s.level, s.reason, s.last_admitted, s.last_source) for c, s in subtree.items() if c.startswith("M")
    } == {
        "M1": ("red", "3y", D(2023, 11, 22), "approval"),
        "M2": ("watch", "reserve", D(2026, 2, 1), "approval"),
        "M5": ("red", "unknown", None, ""),
        "M6": ("red", "3y", D(2023, 11, 22), "register"),
        "M7": ("red", "3y", D(2023, 11, 22), "import"),
        "M9": ("red", "never", None, ""),
        "MA": ("watch", "reserve", D(2025, 1, 1), "import"),
        "MB": ("red", "unknown", None, ""),
    }  # M3 young + reserve, M4 in time, M8 imported date in time, MC a 预备党员 admitted 2026-07-31


# --- what counts as a recruit: the three sources (rule book) -------------------------------------


def evaluated(code, as_of=AS_OF):
    t = Thresholds.in_force(as_of)
    return next((s for s in stale_evaluate(as_of=as_of, thresholds=t) if s.code == code), None)


def test_a_probationary_member_on_the_register_clears_the_branch_the_issue_case(make_branch):
    """The register shows a 预备党员 of the branch admitted 2026-07-31, with no approval recorded in
    the system: the branch recruited, it is neither red nor "成立以来未发展"."""
    b = make_branch("X1", founded=D(1965, 7, 1))
    member(b, D(2026, 7, 31), status=MemberStatus.PROBATIONARY)
    with_reserve(b)
    assert "X1" not in flags_by_code()
    b2 = make_branch("X2", founded=D(1965, 7, 1))
    member(b2, D(2026, 7, 31), status=MemberStatus.PROBATIONARY)
    state = evaluated("X2")  # no reserve: watched for that only, its recruit shown
    assert (state.level, state.reason, state.last_admitted, state.last_source) == (
        "watch",
        "reserve",
        D(2026, 7, 31),
        "register",
    )


@pytest.mark.parametrize(
    ("joined", "expected"),
    [
        (D(2023, 11, 22), ("red", "3y", D(2023, 11, 22))),  # exactly 3 years to the day: 3 years
        (D(2023, 11, 23), ("watch", "2y", D(2023, 11, 23))),
        (D(2024, 11, 22), ("watch", "2y", D(2024, 11, 22))),  # exactly 2 years: watch
        (D(2024, 11, 23), None),
    ],
)
def test_register_admission_dates_at_the_window_boundaries(make_branch, joined, expected):
    b = make_branch("X1")
    member(b, joined)
    with_reserve(b)
    state = evaluated("X1")
    assert (state and (state.level, state.reason, state.last_admitted)) == expected
    if state:
        assert state.last_source == "register"


def test_register_admissions_before_the_window_or_after_the_date_or_elsewhere_do_not_count(world, make_branch):
    b = make_branch("X1")
    member(b, D(2023, 11, 21))  # one day before the window: members move, it says nothing of this branch
    member(b, D(2026, 11, 23))  # after the date
    member(make_branch("Y1"), D(2026, 1, 1))  # another branch's recruit
    with_reserve(b)
    assert flags_by_code()["X1"] == ("red", "unknown")
    assert "Y1" in flags_by_code() and flags_by_code()["Y1"] == ("watch", "reserve")


def test_a_member_no_longer_on_the_register_still_counts_as_the_branchs_recruit(make_branch):
    b = make_branch("X1")
    member(b, D(2026, 3, 1), is_active=False)  # admitted, then died or left: still a recruit
    with_reserve(b)
    assert "X1" not in flags_by_code()


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        (D(2023, 11, 22), ("red", "3y")),
        (D(2023, 11, 23), ("watch", "2y")),
        (D(2024, 11, 22), ("watch", "2y")),
        (D(2024, 11, 23), None),
    ],
)
def test_imported_last_recruit_date_at_the_window_boundaries(make_branch, last, expected):
    make_branch("X1", founded=D(1958, 10, 1), last_recruit_on=last)
    with_reserve(Organization.objects.get(code="X1"))
    state = evaluated("X1")
    assert (state and (state.level, state.reason)) == expected
    if state:
        assert (state.last_admitted, state.last_source) == (last, "import")


def test_an_imported_date_after_the_scan_date_is_ignored(make_branch):
    make_branch("X1", last_recruit_on=D(2026, 6, 1))
    assert flags_by_code(as_of=D(2026, 5, 31))["X1"] == ("red", "unknown")
    assert flags_by_code(as_of=D(2026, 6, 1))["X1"] == ("watch", "reserve")


def test_the_latest_of_the_three_sources_is_the_last_recruit(make_branch):
    b = make_branch("X1", last_recruit_on=D(2022, 5, 1))
    admitted(b, D(2021, 1, 1))
    member(b, D(2022, 4, 30))  # before the window: ignored anyway
    state = evaluated("X1")
    assert (state.level, state.reason, state.last_admitted, state.last_source) == ("red", "3y", D(2022, 5, 1), "import")
    member(b, D(2024, 2, 1))
    state = evaluated("X1")
    assert (state.level, state.last_admitted, state.last_source) == ("watch", D(2024, 2, 1), "register")
    admitted(b, D(2024, 2, 1))  # the same day from the system's own approval: the approval is named
    assert evaluated("X1").last_source == "approval"


# --- unknown history vs 成立以来未发展 ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("founded", "expected"),
    [
        (None, ("red", "unknown")),  # founding date unknown: history unknown
        (D(1958, 10, 1), ("red", "unknown")),
        (D(2023, 11, 21), ("red", "unknown")),  # founded one day before the window: history before it unknown
        (D(2023, 11, 22), ("red", "never")),  # founded on the window's first day: its whole life is known
        (D(2023, 11, 23), ("watch", "2y")),  # younger than 3 years: not red
    ],
)
def test_a_branch_without_any_recruit_is_unknown_history_unless_founded_inside_the_window(
    make_branch, founded, expected
):
    make_branch("X1", founded=founded)
    assert flags_by_code()["X1"] == expected


def test_an_unknown_history_branch_leaves_it_once_its_last_recruit_date_is_entered(make_branch):
    b = make_branch("X1", founded=D(1962, 3, 1))
    with_reserve(b)
    assert flags_by_code()["X1"] == ("red", "unknown")
    b.last_recruit_on = D(2019, 7, 1)
    b.save()
    assert flags_by_code()["X1"] == ("red", "3y")  # now a known 3 years
    b.last_recruit_on = D(2025, 7, 1)
    b.save()
    assert "X1" not in flags_by_code()


def test_stored_flags_keep_the_reason_and_the_source_of_the_last_recruit(make_branch):
    unknown = make_branch("X1")
    imported = make_branch("X2", last_recruit_on=D(2020, 1, 1))
    registered = make_branch("X3")
    member(registered, D(2024, 1, 5))
    scan = stale_scan_run(as_of=AS_OF)
    got = {
        f.org.code: (f.level, f.reason, f.last_admitted, f.last_source)
        for f in StaleFlag.objects.filter(scan=scan, org__in=[unknown, imported, registered])
    }
    assert got == {
        "X1": ("red", "unknown", None, ""),
        "X2": ("red", "3y", D(2020, 1, 1), "import"),
        "X3": ("watch", "2y", D(2024, 1, 5), "register"),
    }
    assert (
        StaleFlag.objects.get(scan=scan, org=unknown).get_reason_display() == "发展历史不详（须补录最近发展党员日期）"
    )
