"""The review pages' cached bodies (recruitment/fragments.py): the 台账, an entry and a person's checks
are the same page from the cache until a decision, an opinion or a check is written on the person."""

import datetime as dt
import re

from django.urls import reverse

from reviews.services import review_decide
from tests.clock import TODAY

TOKENS = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return TOKENS.sub("", response.content.decode())


def test_the_review_pages_are_cached_until_a_decision_on_the_person(world, make_candidate, submit, client_for):
    entry = submit(make_candidate(until=7))
    client = client_for(world.users.secretary)
    urls = [
        reverse("reviews:ledger") + "?year=2023",
        reverse("reviews:entry_detail", args=[entry.pk]),
        reverse("reviews:applicant_checks", args=[entry.applicant_id]),
    ]
    before = {url: page(client, url) for url in urls}
    assert {url: page(client, url) for url in urls} == before  # nothing written: the cached bodies
    review_decide(entry=entry, tier=1, verdict="return", reason="补充思想汇报", actor=world.users.secretary,
                  version=entry.version, decided_on=dt.date(2023, 4, 5), today=TODAY)  # fmt: skip
    after = {url: page(client, url) for url in urls}
    for url in urls:
        assert after[url] != before[url], url
    assert "补充思想汇报" in after[urls[1]]


def test_the_new_person_form_lists_a_new_branch_at_once(world, client_for):
    from tests.factories import OrganizationFactory

    client = client_for(world.users.committee)
    url = reverse("applicants:create")
    assert "甲新村党支部" not in page(client, url)
    OrganizationFactory(code="A3", name="甲新村党支部", parent=world.a)
    assert "甲新村党支部" in page(client, url)
