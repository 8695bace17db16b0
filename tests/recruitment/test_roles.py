"""The one role vocabulary (recruitment.scope): every app reads its role groups from there. These
pin what each role may reach — pages, menu entries, home widgets — so a change of vocabulary
cannot quietly widen or narrow anyone's access."""

import pytest
from django.urls import reverse

from recruitment.models import Role
from recruitment.scope import (
    DEPARTMENT_ROLES,
    INSPECT_ROLES,
    OVERSIGHT_ROLES,
    READ_ROLES,
    ROLES_AT,
    STAFF_ROLES,
    WRITE_ROLES,
    Level,
    may_act_at,
)
from reviews.models import Tier
from reviews.services import TIER_LEVEL

B, C, D, INS = Role.BRANCH_SECRETARY, Role.COMMITTEE_STAFF, Role.DEPARTMENT_STAFF, Role.INSPECTOR


def test_the_groups():
    assert set(READ_ROLES) == {B, C, D, INS}
    assert set(WRITE_ROLES) == set(ROLES_AT[Level.BRANCH]) == {B, C, D}
    assert set(STAFF_ROLES) == set(ROLES_AT[Level.COMMITTEE]) == {C, D}
    assert set(DEPARTMENT_ROLES) == set(ROLES_AT[Level.DEPARTMENT]) == {D}
    assert set(OVERSIGHT_ROLES) == {C, D, INS}
    assert set(INSPECT_ROLES) == {D, INS}
    assert {t: TIER_LEVEL[t] for t in Tier} == {
        Tier.BRANCH: Level.BRANCH,
        Tier.COMMITTEE: Level.COMMITTEE,
        Tier.DEPARTMENT: Level.DEPARTMENT,
    }


def test_may_act_at(world, django_user_model):
    users = world.users
    assert may_act_at(None, Level.DEPARTMENT)  # the command line, the demo
    assert may_act_at(users.secretary, Level.BRANCH) and not may_act_at(users.secretary, Level.COMMITTEE)
    assert may_act_at(users.committee, "committee") and not may_act_at(users.committee, Level.DEPARTMENT)
    assert may_act_at(users.department, Level.DEPARTMENT)
    assert not any(may_act_at(users.inspector, level) for level in Level)
    assert may_act_at(django_user_model(username="root", is_superuser=True), Level.DEPARTMENT)


ROLES = ("secretary", "committee", "department", "inspector")
# page → status for secretary, committee, department, inspector
PAGES = {
    "applicants:list": (200, 200, 200, 200),
    "applicants:create": (200, 200, 200, 403),
    "ledger:import": (200, 200, 200, 403),
    "reviews:ledger": (200, 200, 200, 200),
    "reviews:ledger_submit": (200, 200, 200, 403),
    "reviews:queue": (403, 200, 200, 403),
    "quotas:plans": (403, 200, 200, 403),
    "quotas:plan_log": (403, 200, 200, 403),
    "quotas:rules": (403, 200, 200, 200),
    "quotas:dashboard": (403, 200, 200, 200),
    "jobs:stale_list": (403, 200, 200, 200),
    "jobs:jobs": (403, 403, 200, 403),
    "recruitment:org_import": (403, 403, 200, 403),
    "accounts:list": (403, 403, 200, 403),
    "accounts:lockouts": (403, 403, 200, 403),
    "applicants:access_log": (403, 403, 200, 403),
    "ledger:export": (200, 200, 200, 403),  # full ID numbers: the roles that import
    "recruitment:member_import": (403, 200, 200, 403),
    "recruitment:member_import_template": (403, 200, 200, 403),
    "recruitment:calendar": (403, 403, 200, 403),
    "inspections:list": (403, 200, 200, 200),
    "inspections:draw": (403, 403, 200, 200),
    "inspections:report": (403, 200, 200, 200),
    "inspections:report_xlsx": (403, 200, 200, 200),
    "inspections:findings": (200, 200, 200, 200),
    # per-object inspection URLs (in and out of scope): tests/inspections/test_views.py::OBJECT_PAGES
}


@pytest.mark.parametrize("name", PAGES)
def test_who_reaches_which_page(world, client_for, name):
    got = tuple(client_for(getattr(world.users, who)).get(reverse(name)).status_code for who in ROLES)
    assert got == PAGES[name]


MENU = {
    "secretary": {"applicants:list", "applicants:todo", "ledger:import", "reviews:ledger", "inspections:findings"},
    "committee": {
        *("applicants:list", "applicants:todo", "ledger:import", "reviews:ledger", "reviews:queue"),
        *("quotas:plans", "quotas:dashboard", "jobs:stale_list", "recruitment:member_import"),
        *("inspections:list", "inspections:findings"),
    },
    "department": {
        *("applicants:list", "applicants:todo", "ledger:import", "reviews:ledger", "reviews:queue"),
        *("quotas:plans", "quotas:dashboard", "jobs:stale_list", "jobs:jobs", "applicants:access_log"),
        *("accounts:list", "accounts:lockouts", "recruitment:member_import", "recruitment:calendar"),
        *("inspections:list", "inspections:findings"),
    },
    "inspector": {
        *("applicants:list", "applicants:todo", "reviews:ledger", "quotas:dashboard", "jobs:stale_list"),
        *("inspections:list", "inspections:findings"),
    },
}
COMMON = {"home", "recruitment:org_list", "recruitment:member_list", "jobs:inbox"}
WIDGETS = {
    "secretary": {"applicants/widgets/todo.html", "applicants/widgets/pipeline.html"},
    "committee": {
        *("applicants/widgets/todo.html", "applicants/widgets/pipeline.html", "reviews/_home_widget.html"),
        *("quotas/widgets/home_shares.html", "jobs/_home_stale.html"),
    },
    "inspector": {"applicants/widgets/todo.html", "applicants/widgets/pipeline.html", "jobs/_home_stale.html"},
}
WIDGETS = {who: {*widgets, "inspections/widgets/home_findings.html"} for who, widgets in WIDGETS.items()}
WIDGETS["department"] = WIDGETS["committee"]


@pytest.mark.parametrize("who", ROLES)
def test_each_role_sees_its_menu_and_home_widgets(world, client_for, who):
    from recruitment.registry import home_widgets_for

    user = getattr(world.users, who)
    context = client_for(user).get(reverse("home")).context
    assert {i["url"] for i in context["nav_items"]} == MENU[who] | COMMON
    assert set(home_widgets_for(user)) == WIDGETS[who]
