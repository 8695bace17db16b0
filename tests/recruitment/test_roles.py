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
    "documents:work_ledger_pdf": (200, 200, 200, 200),  # ID numbers masked: every role reads its subtree
    "documents:prereview_ledger_pdf": (200, 200, 200, 200),
    "applicants:todo": (200, 200, 200, 200),
    "recruitment:org_search": (200, 200, 200, 403),  # every organization's name: for those who enter people
    "recruitment:org_list": (200, 200, 200, 200),
    "recruitment:member_list": (200, 200, 200, 200),
    "jobs:inbox": (200, 200, 200, 200),
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


# a person's documents (branch A1's person): every role of the subtree reads them, another subtree gets a 404
PERSON_DOCUMENTS = {
    "documents:publicity_pdf": ["candidate"],
    "documents:publicity_docx": ["candidate"],
    "documents:timeline_docx": [],
}
PERSON_USERS = ("secretary", "committee", "department", "inspector", "secretary_b", "committee_b")


@pytest.mark.parametrize("name", PERSON_DOCUMENTS)
def test_who_reaches_a_persons_documents(world, client_for, name):
    import datetime as dt

    from tests.applicants.people import placed

    a = placed(world, step=6, activist_on=dt.date(2024, 9, 2))
    url = reverse(name, args=[a.pk, *PERSON_DOCUMENTS[name]])
    got = tuple(client_for(getattr(world.users, who)).get(url).status_code for who in PERSON_USERS)
    assert got == (200, 200, 200, 200, 404, 404)


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
    "secretary": {"applicants/widgets/todo.html", "applicants/widgets/pipeline.html", "reviews/_home_branch.html"},
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


# --- the whole matrix, generated from the URL configuration (issue 12) ---------------------------------------------
# Every named URL is in exactly one place: PAGES above (GET by role), OBJECT_PAGES (GET of one object inside
# every role's scope), ACTS (writes, by POST; who may act is tested in the app's own tests, named here) or
# PUBLIC (no login). A new URL that is in none of them fails test_every_named_url_is_in_the_matrix.
OBJECT_PAGES = {  # url → statuses for secretary, committee, department, inspector
    "applicants:detail": (200, 200, 200, 200),
    "applicants:update": (200, 200, 200, 403),
    "applicants:archive": (200, 200, 200, 200),
    "applicants:archive_zip": (200, 200, 200, 200),
    "applicants:act_form": (200, 200, 200, 403),
    "reviews:applicant_checks": (200, 200, 200, 200),
    "recruitment:org_detail": (200, 200, 200, 200),
    "jobs:stale_org": (403, 200, 200, 200),
}
ACTS = {
    "accounts:reset_password": "tests/security/test_auth_findings.py",
    "applicants:id_check": "tests/applicants/test_views.py",
    "applicants:record_step": "tests/applicants/test_views.py, test_views_permissions.py",
    "applicants:add_assessment": "tests/applicants/test_views.py",
    "applicants:add_training": "tests/applicants/test_views.py",
    "applicants:terminate": "tests/applicants/test_views.py",
    "applicants:transfer": "tests/applicants/test_views.py",
    "applicants:consent": "tests/applicants/test_views.py",
    "applicants:publicity": "tests/applicants/test_views.py",
    "applicants:material_upload": "tests/applicants/test_archive.py",
    "applicants:archive_exempt": "tests/applicants/test_archive.py",
    "applicants:material_download": "tests/security/test_protected_media.py",
    "applicants:material_withdraw": "tests/security/test_material_withdrawal.py",
    "reviews:entry_detail": "tests/reviews/test_views.py",
    "reviews:entry_decide": "tests/reviews/test_views.py",
    "reviews:entry_opinion": "tests/reviews/test_views.py",
    "reviews:household_opinion": "tests/reviews/test_views.py",
    "reviews:cadre_approval": "tests/reviews/test_views.py",
    "reviews:negative_check": "tests/reviews/test_views.py",
    "reviews:joint_opinion": "tests/reviews/test_views.py",
    "reviews:opinion_file": "tests/security/test_protected_media.py",
    "reviews:hit_revoke": "tests/security/test_probe_findings.py",
    "reviews:queue_bulk": "tests/reviews/test_views.py",
    "reviews:step_act": "tests/reviews/test_views.py",
    "recruitment:org_import_template": "tests/recruitment",
    "recruitment:member_import_confirm": "tests/recruitment/test_import_members.py",
    "recruitment:calendar_delete": "tests/recruitment",
    "accounts:unlock": "tests/security/test_auth_findings.py",
    "jobs:job_start": "tests/jobs/test_job_pages.py",
    "jobs:job_detail": "tests/jobs/test_job_pages.py",
    "jobs:inbox_read_all": "tests/jobs/test_job_pages.py",
    "jobs:notification": "tests/jobs/test_job_pages.py",
    "ledger:confirm": "tests/applicants/test_ledger_views.py",
    "ledger:cancel": "tests/applicants/test_ledger_views.py",
    "ledger:template": "tests/applicants/test_ledger_views.py",
    "logout": "tests/security/test_auth_findings.py",
    "password_change": "tests/security/test_auth_findings.py",
    "password_change_done": "tests/security/test_auth_findings.py",
    # per-object inspection pages and acts, in and out of scope: tests/inspections/test_views.py::OBJECT_PAGES
    "inspections:detail": "tests/inspections/test_views.py",
    "inspections:item": "tests/inspections/test_views.py",
    "inspections:item_checked": "tests/inspections/test_views.py",
    "inspections:finding_create": "tests/inspections/test_views.py",
    "inspections:finding_fix": "tests/inspections/test_views.py",
    "inspections:finding_close": "tests/inspections/test_views.py",
    "inspections:finding_reopen": "tests/inspections/test_views.py",
}
PUBLIC = {
    "login",
    "healthz",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}
# Acts an inspector (read-only) may still do: their own session, password and inbox, and downloads of what
# they may read.
INSPECTOR_MAY = {
    "logout", "password_change", "password_change_done", "jobs:inbox_read_all", "jobs:notification",
    "applicants:material_download", "reviews:opinion_file", "reviews:entry_detail",
    "ledger:template", "recruitment:org_import_template",  # empty templates: no one's data
    # 档案抽查 is the inspector's own work (not a change to anyone's record): tests/inspections/test_views.py
    "inspections:item_checked", "inspections:finding_create", "inspections:finding_close", "inspections:finding_reopen",
}  # fmt: skip


def named_urls() -> dict[str, object]:
    """Every named URL of the project (the admin's own excepted) → its pattern."""
    from django.urls import URLResolver, get_resolver

    found: dict[str, object] = {}

    def walk(patterns, namespace=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = ":".join(filter(None, [namespace, p.namespace])) or None
                if ns != "admin":
                    walk(p.url_patterns, ns)
            elif p.name:
                found[f"{namespace}:{p.name}" if namespace else p.name] = p

    walk(get_resolver().url_patterns)
    return found


def dummy_kwargs(pattern) -> dict:
    values = {"int": 1, "str": "A1", "slug": "x", "path": "A1"}
    return {
        name: values.get(type(conv).__name__.replace("Converter", "").lower(), "x")
        for name, conv in pattern.pattern.converters.items()
    }


def test_every_named_url_is_in_the_matrix():
    groups = {
        "PAGES": set(PAGES),
        "OBJECT_PAGES": set(OBJECT_PAGES),
        "PERSON_DOCUMENTS": set(PERSON_DOCUMENTS),
        "ACTS": set(ACTS),
        "PUBLIC": PUBLIC,
    }
    listed = set().union(*groups.values())
    urls = set(named_urls()) - {"home"}  # home: test_each_role_sees_its_menu_and_home_widgets
    assert sorted(urls - listed) == [], "新的网址须列入权限矩阵（PAGES / OBJECT_PAGES / ACTS / PUBLIC）"
    assert sorted(listed - urls) == []
    names = list(groups)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            assert not groups[a] & groups[b], (a, b)


@pytest.mark.parametrize("name", sorted(set(named_urls()) - PUBLIC))
def test_no_url_but_the_public_ones_answers_an_anonymous_visitor(db, client, name):
    url = reverse(name, kwargs=dummy_kwargs(named_urls()[name]))
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code in (302, 405), (method.__name__, response.status_code)
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("login")), response["Location"]


@pytest.fixture
def objects(world):
    from tests.applicants.people import new_applicant

    applicant = new_applicant(world)
    return {
        "applicants:detail": [applicant.pk],
        "applicants:update": [applicant.pk],
        "applicants:archive": [applicant.pk],
        "applicants:archive_zip": [applicant.pk],
        "applicants:act_form": [applicant.pk, "assessment"],
        "reviews:applicant_checks": [applicant.pk],
        "recruitment:org_detail": ["A1"],
        "jobs:stale_org": ["A1"],
    }


@pytest.mark.parametrize("name", OBJECT_PAGES)
def test_who_reaches_which_object_page(world, client_for, objects, name):
    url = reverse(name, args=objects[name])
    got = tuple(client_for(getattr(world.users, who)).get(url).status_code for who in ROLES)
    assert got == OBJECT_PAGES[name]


@pytest.mark.parametrize("name", sorted(set(ACTS) - INSPECTOR_MAY))
def test_the_read_only_inspector_cannot_act_anywhere(world, client_for, name):
    url = reverse(name, kwargs=dummy_kwargs(named_urls()[name]))
    response = client_for(world.users.inspector).post(url)
    assert response.status_code in (403, 404, 405), response.status_code  # 405: a read, not an act
