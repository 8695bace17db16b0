"""Three rule sets judge three periods (docs/rules.md): before 2014-05-28 the 党章 and the 1990 试行细则,
then the 2014 细则, from 2026-05-11 the 2026 revision. A condition is judged by the set in force on the
act's date, a deadline by the set in force on the triggering date; messages name the version."""

import datetime as dt

import pytest

from applicants.rulebook import Context, RuleSet, evaluate
from recruitment.errors import DomainError
from recruitment.models import RuleDefinition

from .pipeline import advance, attempt, new_applicant

D = dt.date


def rules_at(code: str, on: dt.date) -> str:
    return RuleSet.load().in_force(code, on).article


@pytest.mark.parametrize(
    "code, on, article",
    [
        ("R6", D(2014, 5, 27), "1990年《发展党员工作细则（试行）》"),
        ("R6", D(2014, 5, 28), "细则（2014）第十三条"),
        ("R10", D(2026, 5, 10), "细则（2014）第十九条"),
        ("R10", D(2026, 5, 11), "细则（2026）第十八条"),
        ("R12", D(2026, 5, 11), "细则（2026）第二十五条、第三十三条"),
        ("R13", D(1990, 1, 1), "党章第七条"),
    ],
)
def test_the_row_in_force_changes_on_the_issue_dates(db, code, on, article):
    assert rules_at(code, on) == article


def test_nine_rules_have_no_row_before_2014_so_history_is_not_judged_by_them(db):
    ruleset = RuleSet.load()
    assert ruleset.in_force("R9", D(2014, 5, 27)) is None and ruleset.in_force("R9", D(2014, 5, 28)) is not None


def test_a_17_year_old_applying_in_2013_is_refused_by_the_charter(world):
    with pytest.raises(DomainError) as exc:
        new_applicant(world, birth=D(1995, 6, 2), applied=D(2013, 6, 1))
    assert exc.value.rules == ["R1"] and "R1 党章第一条" in str(exc.value)


def test_an_application_before_birth_is_refused_in_any_period(world):
    with pytest.raises(DomainError) as exc:
        new_applicant(world, birth=D(1995, 6, 2), applied=D(1990, 6, 1))
    assert "R1" in exc.value.rules


def test_a_2012_candidate_after_six_months_as_activist_is_refused_by_the_1990_rules(world):
    dates = {3: D(2012, 1, 5), 4: D(2012, 1, 10), 5: D(2012, 1, 15), 6: D(2012, 6, 1)}
    a = advance(world, new_applicant(world, birth=D(1980, 1, 1), applied=D(2011, 1, 10)), until=6, dates=dates)
    with pytest.raises(DomainError) as exc:
        attempt(world, a, 7, D(2012, 7, 5))
    assert exc.value.rules == ["R6"] and "1990年《发展党员工作细则（试行）》" in str(exc.value)


@pytest.mark.parametrize("on, version", [(D(2026, 5, 10), "（2014）"), (D(2026, 5, 11), "（2026）")])
def test_the_same_late_talk_is_judged_by_the_set_in_force_on_the_application_date(world, on, version):
    """R2 is a deadline: the set in force when the application arrived applies, not the talk's date."""
    a = new_applicant(world, applied=on)
    record = attempt(world, a, 2, on + dt.timedelta(days=45))
    assert [w["rule"] for w in record.warnings] == ["R2"] and f"细则{version}第七条" in record.warnings[0]["message"]


def test_a_county_row_overrides_the_national_one_inside_its_subtree_only(world):
    """A jurisdiction's own row (county switch) applies in its subtree, from its own effective date."""
    RuleDefinition.objects.create(
        code="R2", title="十五日内谈话", kind="warn", version="local", article="某县规定", effective_from=D(2020, 1, 1),
        params={"months": 0}, jurisdiction=world.a,
    )  # fmt: skip
    ruleset = RuleSet.load()
    assert ruleset.in_force("R2", D(2023, 1, 1), world.a1.path).article == "某县规定"
    assert ruleset.in_force("R2", D(2023, 1, 1), world.b1.path).article == "细则（2014）第七条"
    assert ruleset.in_force("R2", D(2019, 12, 31), world.a1.path).article == "细则（2014）第七条"


def test_a_date_before_every_rule_set_is_flagged_not_silently_passed(world):
    a = new_applicant(world)
    verdict = evaluate(Context(applicant=a, point=2, date=D(1900, 1, 1), data={"talker": "x"}))
    assert any(v.rule == "RULESET" for v in verdict.warnings)
