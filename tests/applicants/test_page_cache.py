"""The cached page bodies (recruitment/fragments.py, issue 14): a page seen twice without a change is the
same page from the cache; any write behind it, a rule row, the calendar or an organization changes the
key, so the next view is drawn anew; a fragment is never served to another user or another browser."""

import datetime as dt
import re

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from recruitment.fragments import CSRF_INPUT, CSRF_PLACEHOLDER, fragment_key, reference_stamp, scope_stamp
from recruitment.models import Organization, RuleDefinition, WorkCalendarDay
from tests.factories import UserFactory

from .pipeline import advance, attempt, new_applicant

D = dt.date
TOKENS = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return TOKENS.sub("", response.content.decode())


def stamp(user) -> str:
    return scope_stamp(user)


# --- the stamps ----------------------------------------------------------------------------------------------
def test_the_scope_stamp_moves_with_every_write_and_every_entry_and_exit(world):
    u = world.users
    a = advance(world, new_applicant(world), until=2)
    before = stamp(u.secretary), stamp(u.committee)
    attempt(world, a, 3, D(2022, 4, 1))  # a write to a person in scope
    after_write = stamp(u.secretary), stamp(u.committee)
    assert after_write[0] != before[0] and after_write[1] != before[1]

    before_b = stamp(u.secretary_b)
    new_applicant(world, branch=world.b1, actor=u.secretary_b)  # someone enters another scope only
    assert stamp(u.secretary) == after_write[0] and stamp(u.secretary_b) != before_b

    a.branch = world.a2  # leaves the branch, stays in the committee's scope
    a.save()
    assert stamp(u.secretary) != after_write[0]


def test_the_reference_stamp_moves_with_rule_rows_the_calendar_and_organizations(world):
    first = reference_stamp()
    rule = RuleDefinition.objects.order_by("pk").first()
    assert rule is not None, "the rule rows are loaded by a migration"
    rule.title += "（修订）"
    rule.save()
    second = reference_stamp()
    WorkCalendarDay.objects.create(date=D(2026, 12, 31), is_workday=False, note="测试")
    third = reference_stamp()
    world.a1.name = "甲村第一党支部"
    world.a1.save()
    assert len({first, second, third, reference_stamp()}) == 4


# --- the pages -------------------------------------------------------------------------------------------------
def _write_new_person(world, person):
    return new_applicant(world, name="新来的申请人")


def _write_step(world, person):
    attempt(world, person, 3, D(2022, 4, 1))


def _write_member(world, person):
    from tests.factories import PartyMemberFactory

    PartyMemberFactory(name="新党员庚", branch=world.a1)


def _write_org(world, person):
    org = Organization.objects.get(pk=world.a1.pk)
    org.name = "甲村第一党支部"
    org.save()


def _write_candidate(world, person):
    advance(world, person, until=7)  # a 发展对象 now: a candidate for the ledger


PAGES = [
    ("recruitment:member_list", False, _write_member, "新党员庚"),
    ("recruitment:org_list", False, _write_org, "甲村第一党支部"),
    ("reviews:ledger_submit", False, _write_candidate, "已完成第7步"),
    ("applicants:list", False, _write_new_person, "新来的申请人"),
    ("applicants:todo", False, _write_new_person, "新来的申请人"),
    ("home", False, _write_new_person, None),
    ("applicants:detail", True, _write_step, "下一步：第4步"),
    ("applicants:archive", True, _write_step, None),
]


@pytest.mark.parametrize("name, per_person, write, shows", PAGES, ids=[p[0] for p in PAGES])
def test_a_page_is_served_from_the_cache_until_a_write_behind_it(world, client_for, name, per_person, write, shows):
    person = advance(world, new_applicant(world), until=2)
    client = client_for(world.users.secretary)
    url = reverse(name, args=[person.pk]) if per_person else reverse(name)
    first = page(client, url)
    assert page(client, url) == first  # unchanged: the cached body
    if shows:
        assert shows not in first
    write(world, person)
    fresh = page(client, url)
    assert fresh != first
    if shows:
        assert shows in fresh


def test_an_organization_renamed_shows_at_once(world, client_for):
    new_applicant(world)
    client = client_for(world.users.committee)
    url = reverse("applicants:list")
    assert "甲村党支部" in page(client, url)
    org = Organization.objects.get(pk=world.a1.pk)
    org.name = "甲村第一党支部"
    org.save()
    assert "甲村第一党支部" in page(client, url)


# --- never another user's, never another browser's ------------------------------------------------------------
def test_the_key_names_the_user(world):
    twin = UserFactory(username="sec_a1_twin", role=world.users.secretary.role, organization=world.a1)
    factory = RequestFactory()

    def key(user):
        request = factory.get("/applicants/")
        request.user = user
        return fragment_key(request, "applicant-list", ("same", "parts"))

    assert key(world.users.secretary) == key(world.users.secretary)
    assert key(world.users.secretary) != key(twin)


def _step_form(html: str):
    form = re.search(
        r'<form method="post" action="([^"]*/steps/3/)"[^>]*>.*?name="csrfmiddlewaretoken" value="([^"]+)"', html, re.S
    )
    assert form, "the next step's form is on the page"
    return form.group(1), form.group(2)


def test_a_form_from_the_cached_page_carries_the_receiving_browsers_token(world):
    person = advance(world, new_applicant(world), until=2)
    url = reverse("applicants:detail", args=[person.pk])
    desktop, phone = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    for browser in (desktop, phone):
        browser.force_login(world.users.secretary)
    desktop.get(url)  # drawn for the desktop, cached
    action, token = _step_form(phone.get(url).content.decode())  # the phone gets the cached body
    assert token != CSRF_PLACEHOLDER
    response = phone.post(action, {"csrfmiddlewaretoken": token, "date": "2022-04-01"})
    assert response.status_code != 403
    # a user's text cannot turn into a token: it is escaped before it could form the hidden input
    assert CSRF_INPUT.format(CSRF_PLACEHOLDER) not in phone.get(url).content.decode()


def test_the_cached_menu_shows_a_new_message_at_once_and_marks_the_page_it_is_on(world, client_for):
    """The menu is cached per user, page and badge counts (recruitment/context_processors.py)."""
    from jobs.models import Notification

    client = client_for(world.users.secretary)
    html = page(client, reverse("applicants:list"))
    assert 'text-bg-warning">1<' not in html
    Notification.objects.create(user=world.users.secretary, key="t", title="提醒", body="有一条待办")
    assert 'text-bg-warning">1<' in page(client, reverse("applicants:list"))
    assert ' active" href="/applicants/todo/"' in page(client, reverse("applicants:todo"))
    assert ' active" href="/applicants/todo/"' not in page(client, reverse("applicants:list"))
