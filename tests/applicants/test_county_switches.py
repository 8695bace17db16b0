"""County switches (local practice in docs/rules.md) are rule rows of a jurisdiction with an effective
date: turned on and off they change the verdict of the same data; history before a switch's effective
date keeps its verdict; the two that became national (公示 before 发展对象, the meeting within a month of
预审) are locked on from 2026-05-11."""

import datetime as dt

import pytest

from applicants.services import publicity_record
from recruitment.errors import DomainError
from recruitment.models import RuleDefinition

from .pipeline import advance, attempt, new_applicant

D = dt.date


def switch(world, code, on_from, kind="hard", enabled=True, **params):
    return RuleDefinition.objects.create(
        code=code, title=f"本县规定 {code}", kind=kind, version="local", article="某县发展党员工作规定",
        effective_from=on_from, params=params, jurisdiction=world.root, enabled=enabled,
    )  # fmt: skip


APPLIED = D(2023, 1, 10)


def talked(world, applied=APPLIED, **kw):
    return advance(
        world, new_applicant(world, applied=applied, **kw), until=2, dates={2: applied + dt.timedelta(days=10)}
    )


@pytest.mark.parametrize("enabled", [True, False])
def test_minimum_months_from_application_to_activist_on_and_off(world, enabled):
    switch(world, "S4", D(2022, 1, 1), enabled=enabled, months=6)
    a = talked(world)
    if enabled:
        with pytest.raises(DomainError) as exc:
            attempt(world, a, 3, D(2023, 7, 9))
        assert exc.value.rules == ["S4"] and "2023-07-10起可办理" in str(exc.value)
        attempt(world, a, 3, D(2023, 7, 10))
    else:
        attempt(world, a, 3, D(2023, 7, 9))


def test_history_before_the_switch_keeps_its_verdict(world):
    switch(world, "S4", D(2024, 1, 1), months=6)
    a = talked(world)
    attempt(world, a, 3, D(2023, 3, 1))  # two months after applying, before the county's rule existed


def test_the_switch_applies_only_inside_its_jurisdiction(world):
    from tests.factories import OrganizationFactory

    other_county = OrganizationFactory(code="OTHER", name="邻县委组织部", level="组织部门", sector="")
    RuleDefinition.objects.create(code="S4", title="邻县规定", kind="hard", version="local", article="邻县规定",
                                  effective_from=D(2022, 1, 1), params={"months": 6}, jurisdiction=other_county)  # fmt: skip
    a = talked(world)
    attempt(world, a, 3, D(2023, 2, 1))


@pytest.mark.parametrize("birth, recommendation, refused", [
    (D(1996, 3, 1), "党员推荐", True),  # 27 on the day
    (D(1996, 3, 1), "群团组织推优", False),
    (D(1995, 2, 28), "党员推荐", False),  # 28 on the day
])  # fmt: skip
def test_league_recommendation_for_applicants_under_28(world, birth, recommendation, refused):
    switch(world, "S3", D(2022, 1, 1), below_age=28)
    a = talked(world, birth=birth)
    if refused:
        with pytest.raises(DomainError, match="团组织推优"):
            attempt(world, a, 3, D(2023, 2, 28), {"recommendation": recommendation})
    else:
        attempt(world, a, 3, D(2023, 2, 28), {"recommendation": recommendation})


def test_publicity_before_the_activist_where_the_county_requires_it(world):
    switch(world, "S1", D(2022, 1, 1), stages=["activist"], working_days=5)
    a = talked(world)
    with pytest.raises(DomainError, match="确定入党积极分子前须公示"):
        attempt(world, a, 3, D(2023, 3, 1))
    publicity_record(applicant=a, stage="activist", start=D(2023, 2, 20), end=D(2023, 2, 24), places=["村务公开栏"],
                     outcome="无异议", actor=world.users.secretary)  # fmt: skip
    attempt(world, a, 3, D(2023, 3, 1))


def listed_activist(world):
    dates = {2: D(2024, 3, 1), 3: D(2024, 5, 5), 4: D(2024, 5, 10), 5: D(2024, 5, 15), 6: D(2025, 5, 6)}
    return advance(world, new_applicant(world, applied=D(2024, 2, 10)), until=6, dates=dates)


def test_a_county_publicity_rule_before_2026_judges_its_history(world):
    switch(world, "R25", D(2020, 1, 1), working_days=5)
    with pytest.raises(DomainError) as exc:
        attempt(world, listed_activist(world), 7, D(2025, 6, 1))
    assert "R25" in exc.value.rules and "某县发展党员工作规定" in str(exc.value)


def test_from_2026_05_11_a_county_cannot_soften_the_national_publicity_rule(world):
    switch(world, "R25", D(2020, 1, 1), kind="warn", working_days=1)
    a = listed_activist(world)
    from applicants.services import consent_record

    consent_record(applicant=a, date=D(2026, 5, 20), verdict="同意", actor=world.users.committee)
    with pytest.raises(DomainError) as exc:
        attempt(world, a, 7, D(2026, 6, 1))
    assert "R25" in exc.value.rules and "细则（2026）第十三条" in str(exc.value)
