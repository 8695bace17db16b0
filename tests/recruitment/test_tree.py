"""The organization tree: materialized paths, subtree queries in constant queries, moves."""

from recruitment.models import Organization, OrgLevel
from tests.factories import OrganizationFactory


def test_paths_encode_ancestry(world):
    assert world.a1.path.startswith(world.a.path)
    assert world.a.path.startswith(world.root.path)
    assert world.a1.depth == 2
    assert [o.code for o in world.a1.ancestors()] == ["ROOT", "A"]


def test_subtree_is_one_query_whatever_the_size(world, django_assert_num_queries):
    for i in range(30):
        OrganizationFactory(code=f"A1X{i}", parent=world.a)
    with django_assert_num_queries(1):
        codes = set(Organization.objects.subtree(world.a).values_list("code", flat=True))
    assert {"A", "A1", "A2", "A1X0", "A1X29"} <= codes
    assert "B1" not in codes and "ROOT" not in codes


def test_moving_an_organization_moves_its_whole_subtree(world):
    leaf = OrganizationFactory(code="A1-1", parent=world.a1, level=OrgLevel.BRANCH)
    world.a1.parent = world.b
    world.a1.save()
    leaf.refresh_from_db()
    assert leaf.path.startswith(world.b.path)
    assert leaf.depth == 3
    assert set(Organization.objects.subtree(world.b).values_list("code", flat=True)) == {"B", "B1", "A1", "A1-1"}
    assert not Organization.objects.subtree(world.a).filter(code="A1-1").exists()


def test_upper_committee_is_nearest_committee(world):
    general = OrganizationFactory(code="A-GB", parent=world.a, level=OrgLevel.GENERAL_BRANCH)
    branch = OrganizationFactory(code="A-GB-1", parent=general)
    assert branch.upper_committee() == world.a
    assert world.a1.upper_committee() == world.a
    assert world.root.upper_committee() is None
