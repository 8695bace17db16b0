"""The draw: reproducible (seed, population and ids stored; the same seed gives the same sample),
bounded (more than the population → all; 0 or negative refused in Chinese), scoped by township."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from inspections.models import DEFAULT_SAMPLE_SIZE, Population, SampleItem, SpotCheck
from inspections.selectors import population_ids
from recruitment.errors import DomainError
from recruitment.models import OrgLevel, Role
from tests.factories import OrganizationFactory, UserFactory

from .helpers import admitted, archived, draw

D = dt.date


def test_the_same_seed_draws_the_same_sample(world):
    people = admitted(world, 30)
    first = draw(world, size=5, seed=20261122)[0]
    second = draw(world, size=5, seed=20261122)[0]
    assert len(first.drawn_ids) == 5 and set(first.drawn_ids) <= {p.pk for p in people}
    assert first.drawn_ids == second.drawn_ids
    assert first.population_ids == sorted(p.pk for p in people)
    assert first.rederive() == first.drawn_ids
    assert sorted(SampleItem.objects.filter(spot_check=first).values_list("applicant_id", flat=True)) == first.drawn_ids


def test_a_stored_draw_is_derived_again_from_its_own_population_even_after_people_join(world):
    admitted(world, 25)
    check = draw(world, size=20, seed=7)[0]
    admitted(world, 10, prefix="后来")  # the population today is larger; the stored one is not
    assert SpotCheck.objects.get(pk=check.pk).rederive() == check.drawn_ids


def test_different_seeds_usually_draw_different_samples(world):
    admitted(world, 40)
    samples = {tuple(draw(world, size=5, seed=s)[0].drawn_ids) for s in range(5)}
    assert len(samples) > 1


def test_without_a_seed_one_is_chosen_and_stored(world):
    admitted(world, 3)
    check = draw(world, size=2)[0]
    assert check.seed and check.rederive() == check.drawn_ids


def test_a_size_larger_than_the_population_takes_every_archive(world):
    people = admitted(world, 7)
    check = draw(world, size=DEFAULT_SAMPLE_SIZE)[0]
    assert check.drawn_ids == sorted(p.pk for p in people)
    assert check.requested_size == 20


def test_a_size_equal_to_the_population_takes_every_archive(world):
    people = admitted(world, 4)
    assert draw(world, size=4)[0].drawn_ids == sorted(p.pk for p in people)


@pytest.mark.parametrize("size", [0, -1, -20])
def test_zero_or_negative_sizes_are_refused_in_chinese(world, size):
    admitted(world, 3)
    with pytest.raises(DomainError) as exc:
        draw(world, size=size)
    assert exc.value.rules == ["抽查"]
    assert "抽查数量必须是正整数" in str(exc.value)
    assert not SpotCheck.objects.exists()


def test_one_draw_per_township(world):
    admitted(world, 3, branch=world.a1)
    admitted(world, 2, branch=world.b1, prefix="乙")
    checks = draw(world, townships=[world.a, world.b], size=20, seed=1)
    assert [(c.township, len(c.drawn_ids)) for c in checks] == [(world.a, 3), (world.b, 2)]


def test_the_population_definitions(world):
    a_2026, a_2025 = admitted(world, 1)[0], admitted(world, 1, year=2025, prefix="去年")[0]
    converted = admitted(world, 1, year=2025, prefix="转正")[0]
    type(converted).objects.filter(pk=converted.pk).update(converted_on=D(2026, 4, 1))
    archived(world, a_2025, D(2026, 5, 1))
    ids = lambda pop: population_ids(township=world.a, population=pop, year=2026)  # noqa: E731
    assert ids(Population.ADMITTED) == [a_2026.pk]
    assert ids(Population.CONVERTED) == [converted.pk]
    assert ids(Population.ARCHIVED) == [a_2025.pk]
    assert population_ids(township=world.b, population=Population.ADMITTED, year=2026) == []


def test_only_a_township_committee_can_be_drawn(world):
    with pytest.raises(DomainError, match="不是乡镇"):
        draw(world, townships=[world.a1])


def test_an_inspector_of_another_county_cannot_draw_here(world):
    other = OrganizationFactory(code="ROOT2", name="另一县委组织部", level=OrgLevel.DEPARTMENT, sector="")
    town = OrganizationFactory(code="T2", name="丙镇党委", level=OrgLevel.COMMITTEE, sector="", parent=other)
    inspector2 = UserFactory(username="insp2", role=Role.INSPECTOR, organization=other)
    admitted(world, 3)
    with pytest.raises(DomainError, match="不在您的管辖范围内"):
        draw(world, townships=[world.a], actor=inspector2)
    assert draw(world, townships=[town], actor=inspector2)[0].drawn_ids == []
    with pytest.raises(DomainError, match="不在您的管辖范围内"):
        draw(world, townships=[town])  # and the other way round


@pytest.mark.parametrize("who", ["secretary", "committee"])
def test_only_inspectors_and_the_department_draw(world, who):
    with pytest.raises(PermissionDenied):
        draw(world, actor=getattr(world.users, who))
    assert draw(world, actor=world.users.department)[0].drawn_by == world.users.department
