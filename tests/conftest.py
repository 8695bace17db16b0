"""One shared small world: a department, two committees, three branches, one user per role.

ROOT (组织部)  ── A (党委) ── A1 (村党支部, 农村)      ── B (党工委) ── B1 (企业党支部, 非公)
                            └─ A2 (企业党支部, 非公)
"""

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine

from recruitment.models import MemberStatus, OrgLevel, Role, Sector

from .clock import FROZEN_NOW
from .factories import OrganizationFactory, PartyMemberFactory, UserFactory

_travel = time_machine.travel(FROZEN_NOW, tick=True)


def pytest_configure(config):
    """The whole session, fixtures and live server included, runs on the frozen clock (tests/clock.py)."""
    _travel.start()


def pytest_unconfigure(config):
    _travel.stop()


def pytest_collection_modifyitems(config, items):
    """Every transactional test must restore the migrated data (seeded rules, departments) with
    ``serialized_rollback=True``. A plain ``transaction=True`` test flushes and lets Django recreate
    content types under new ids, which breaks the next serialized test on PostgreSQL."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
            raise pytest.UsageError(f"{item.nodeid}: transaction=True 的测试必须同时写 serialized_rollback=True")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached fragments are keyed by ids and versions that a rolled-back test may hand out again."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def world(db):
    root = OrganizationFactory(code="ROOT", name="测试县委组织部", level=OrgLevel.DEPARTMENT, sector="")
    a = OrganizationFactory(code="A", name="甲镇党委", level=OrgLevel.COMMITTEE, sector="", parent=root)
    b = OrganizationFactory(code="B", name="乙街道党工委", level=OrgLevel.WORKING_COMMITTEE, sector="", parent=root)
    a1 = OrganizationFactory(
        code="A1", name="甲村党支部", parent=a, sector=Sector.RURAL, founded_on=dt.date(1990, 1, 1)
    )
    a2 = OrganizationFactory(code="A2", name="甲公司党支部", parent=a, sector=Sector.PRIVATE)
    b1 = OrganizationFactory(code="B1", name="乙公司党支部", parent=b, sector=Sector.PRIVATE)
    users = SimpleNamespace(
        department=UserFactory(username="dept", role=Role.DEPARTMENT_STAFF, organization=root),
        committee=UserFactory(username="comm_a", role=Role.COMMITTEE_STAFF, organization=a),
        committee_b=UserFactory(username="comm_b", role=Role.COMMITTEE_STAFF, organization=b),
        secretary=UserFactory(username="sec_a1", role=Role.BRANCH_SECRETARY, organization=a1),
        secretary_b=UserFactory(username="sec_b1", role=Role.BRANCH_SECRETARY, organization=b1),
        inspector=UserFactory(username="insp", role=Role.INSPECTOR, organization=root),
    )
    members = SimpleNamespace(
        full1=PartyMemberFactory(name="党员甲", branch=a1),
        full2=PartyMemberFactory(name="党员乙", branch=a1),
        full3=PartyMemberFactory(name="党员丙", branch=a1),
        probationary=PartyMemberFactory(
            name="预备丁", branch=a1, status=MemberStatus.PROBATIONARY, full_member_since=None
        ),
        watched=PartyMemberFactory(name="察看戊", branch=a1, under_probation_watch=True),
        other_branch=PartyMemberFactory(name="党员己", branch=b1),
    )
    return SimpleNamespace(root=root, a=a, b=b, a1=a1, a2=a2, b1=b1, users=users, members=members)


@pytest.fixture
def client_for(client):
    """client_for(user) → a test client logged in as that user."""

    def login(user):
        client.force_login(user)
        return client

    return login
