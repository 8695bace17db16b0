"""Scope: a user sees only their subtree; outside it is 404, a role too low is 403."""

import pytest

from recruitment.models import Organization, PartyMember
from recruitment.scope import visible_to


def test_secretary_sees_only_own_branch(world):
    assert list(visible_to(world.users.secretary, Organization).values_list("code", flat=True)) == ["A1"]
    names = set(visible_to(world.users.secretary, PartyMember).values_list("name", flat=True))
    assert "党员己" not in names and "党员甲" in names


def test_committee_sees_its_subtree_department_sees_all(world):
    assert set(visible_to(world.users.committee, Organization).values_list("code", flat=True)) == {"A", "A1", "A2"}
    assert visible_to(world.users.department, Organization).count() == 6


def test_user_without_organization_sees_nothing(world, django_user_model):
    lost = django_user_model.objects.create_user("lost", password="x")
    assert visible_to(lost, Organization).count() == 0


@pytest.mark.parametrize(
    "user,code,status",
    [
        ("secretary", "A1", 200),
        ("secretary", "B1", 404),
        ("secretary", "A", 404),
        ("committee", "A1", 200),
        ("committee", "B1", 404),
        ("department", "B1", 200),
        ("inspector", "A2", 200),
    ],
)
def test_org_detail_scope(world, client_for, user, code, status):
    response = client_for(getattr(world.users, user)).get(f"/org/orgs/{code}/")
    assert response.status_code == status


@pytest.mark.parametrize(
    "user,status",
    [
        ("secretary", 403),
        ("committee", 403),
        ("inspector", 403),
        ("department", 200),
    ],
)
def test_org_import_page_is_for_department_staff(world, client_for, user, status):
    assert client_for(getattr(world.users, user)).get("/org/orgs/import/").status_code == status


def test_anonymous_is_sent_to_login(client, db):
    response = client.get("/org/orgs/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
