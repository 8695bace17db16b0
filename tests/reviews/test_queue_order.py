"""Each queue shows the user's own level first, under its own heading and count: the department's
终审 and 备案 above the committees' work it may also do; the committee's own work for committee staff.
The page costs the same number of queries however many items wait."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from recruitment.scope import Level
from reviews.models import LedgerEntry, Tier
from reviews.selectors import approval_queue

from .conftest import TODAY


@pytest.fixture
def waiting(world, make_candidate, submit):
    """make(n, tier) → n ledger entries waiting at ``tier`` (moved there directly: the order of the
    queue is under test, not the decisions)."""

    def make(n: int, tier: int) -> list[LedgerEntry]:
        entries = [submit(make_candidate(until=7)) for _ in range(n)]
        LedgerEntry.objects.filter(pk__in=[e.pk for e in entries]).update(tier=tier, waiting_since=TODAY)
        return entries

    return make


def headings(html: str) -> list[str]:
    return re.findall(r'<section class="queue-section[^"]*" id="level-(\w+)" data-own="(\d)"', html)


def test_the_department_sees_its_final_review_first(world, waiting, client_for):
    committee_work = waiting(2, Tier.COMMITTEE)
    final = waiting(1, Tier.DEPARTMENT)
    q = approval_queue(user=world.users.department, today=TODAY)
    first, *rest = q.sections
    assert first.own and first.level == Level.DEPARTMENT and first.title == "本级待办（县级党委组织部门）"
    assert list(first.reviews) == [3] and 18 in first.steps
    assert [i.entry for i in first.reviews[3]] == final and first.total == 1
    assert [s.level for s in rest] == [Level.COMMITTEE] and not rest[0].own
    assert [i.entry for i in rest[0].reviews[2]] == committee_work
    html = client_for(world.users.department).get(reverse("reviews:queue")).content.decode()
    assert headings(html) == [("department", "1"), ("committee", "0")]
    assert html.index('id="tier-3"') < html.index('id="tier-2"')
    assert '本级待办（县级党委组织部门） <span class="badge text-bg-danger">1 项</span>' in html
    others = f'上级党委待办（可代为办理） <span class="badge text-bg-secondary">{rest[0].total} 项</span>'
    assert others in html and rest[0].total >= 2  # the 2 re-reviews and the candidates' 备案 (step 8)


def test_the_committee_sees_only_its_own_level(world, waiting, client_for):
    waiting(1, Tier.COMMITTEE)
    waiting(1, Tier.DEPARTMENT)
    q = approval_queue(user=world.users.committee, today=TODAY)
    assert [(s.level, s.own) for s in q.sections] == [(Level.COMMITTEE, True)]
    assert list(q.sections[0].reviews) == [2]
    html = client_for(world.users.committee).get(reverse("reviews:queue")).content.decode()
    assert headings(html) == [("committee", "1")] and 'id="tier-3"' not in html


def test_an_empty_other_level_is_left_out_but_the_own_level_stays(world, client_for):
    q = approval_queue(user=world.users.department, today=TODAY)
    assert [(s.level, s.own) for s in q.sections] == [(Level.DEPARTMENT, True)]
    html = client_for(world.users.department).get(reverse("reviews:queue")).content.decode()
    assert headings(html) == [("department", "1")]


def test_the_queue_page_costs_the_same_queries_as_the_queue_grows(world, waiting, client_for):
    client = client_for(world.users.department)
    url = reverse("reviews:queue")
    waiting(1, Tier.COMMITTEE)
    waiting(1, Tier.DEPARTMENT)
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    waiting(3, Tier.COMMITTEE)
    waiting(3, Tier.DEPARTMENT)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
